using System.Reflection;
using Pipeline.Contracts.Composition;
using Pipeline.Plugins.Adapters.Lora;

namespace Pipeline.Plugins.Tests.Adapters.Lora;

public sealed class LoraExportTests
{
    [Fact]
    public void The_factory_is_exported_as_adapter_lora_with_its_options_type()
    {
        var export = typeof(LoraAdapterFactory).GetCustomAttribute<ExportPluginAttribute>()!;

        (export.Kind, export.Name, export.ContractMajor).Should().Be((PluginKind.Adapter, "lora", ContractVersion.Major));
        new LoraAdapterFactory().OptionsType.Should().Be(typeof(LoraOptions));
    }
}
