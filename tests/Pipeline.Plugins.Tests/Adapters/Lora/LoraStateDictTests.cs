using Pipeline.Contracts.Adapters;
using Pipeline.Plugins.Adapters.Lora;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Lora;

public sealed class LoraStateDictTests
{
    [Fact]
    public void State_dict_keys_and_shapes_follow_PEFT_on_the_meta_device()
    {
        set_default_device(META);
        try
        {
            var llm = new ProjectionChain(META, ("proj", 64, 32), ("out_proj", 32, 48));
            var components = new Dictionary<string, IAdaptableComponent> { ["llm"] = new TestComponent("llm", llm, 48) };
            var options = new LoraOptions { Rank = 8, Targets = new() { ["llm"] = ["proj", "out_proj"] } };

            new LoraAdapterFactory().Attach(options, new AdapterBuildContext("lora", components, new NoForwardContext(), META, 1));

            llm.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape).Should().BeEquivalentTo(new Dictionary<string, long[]>
            {
                ["proj.weight"] = [32, 64],
                ["proj.bias"] = [32],
                ["proj.lora.lora_A.weight"] = [8, 64],
                ["proj.lora.lora_B.weight"] = [32, 8],
                ["out_proj.weight"] = [48, 32],
                ["out_proj.bias"] = [48],
                ["out_proj.lora.lora_A.weight"] = [8, 32],
                ["out_proj.lora.lora_B.weight"] = [48, 8],
            });
            llm.parameters().Should().OnlyContain(p => p.device_type == TorchSharp.DeviceType.META);
        }
        finally
        {
            set_default_device(CPU);
        }
    }
}
