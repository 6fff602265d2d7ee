using System.Reflection;
using Pipeline.Contracts.Composition;
using Pipeline.Plugins.Adapters.Mole;

namespace Pipeline.Plugins.Tests.Adapters.Mole;

public sealed class MoleExportTests
{
    [Fact]
    public void The_factory_is_exported_as_adapter_mole_with_its_options_type()
    {
        var export = typeof(MoleAdapterFactory).GetCustomAttribute<ExportPluginAttribute>()!;

        (export.Kind, export.Name, export.ContractMajor).Should().Be((PluginKind.Adapter, "mole", ContractVersion.Major));
        new MoleAdapterFactory().OptionsType.Should().Be(typeof(MoleOptions));
    }
}
