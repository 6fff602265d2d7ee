using System.Reflection;
using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Schedulers;
using Pipeline.Plugins.Schedulers;
using Pipeline.Plugins.Schedulers.Commit;

namespace Pipeline.Plugins.Tests.Schedulers;

public sealed class SchedulerExportTests
{
    [Theory]
    [InlineData(typeof(ConstantScheduleFactory), "constant", typeof(ConstantScheduleOptions))]
    [InlineData(typeof(WarmupCosineScheduleFactory), "warmup_cosine", typeof(WarmupCosineOptions))]
    [InlineData(typeof(CommitScheduleFactory), "commit", typeof(CommitOptions))]
    public void Each_schedule_is_exported_under_its_yaml_name_with_its_options_type(Type factoryType, string name, Type optionsType)
    {
        var export = factoryType.GetCustomAttribute<ExportPluginAttribute>()!;
        var factory = (ISchedulerFactory)Activator.CreateInstance(factoryType)!;

        (export.Kind, export.Name, export.ContractMajor).Should().Be((PluginKind.Scheduler, name, ContractVersion.Major));
        factory.OptionsType.Should().Be(optionsType);
        factory.Description.Should().NotBeNullOrWhiteSpace();
    }
}
