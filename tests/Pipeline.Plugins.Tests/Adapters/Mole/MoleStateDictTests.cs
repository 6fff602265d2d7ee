using Pipeline.Contracts.Adapters;
using Pipeline.Plugins.Adapters.Mole;
using Pipeline.Plugins.Tests.Adapters.Lora;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Mole;

public sealed class MoleStateDictTests
{
    [Fact]
    public void State_dict_keys_and_shapes_on_the_meta_device()
    {
        set_default_device(META);
        try
        {
            var llm = new TinyDecoder(layers: 1, width: 8, hidden: 16, META);
            var components = new Dictionary<string, IAdaptableComponent> { ["llm"] = new TestComponent("llm", llm, 8) };
            var options = new MoleOptions { Experts = 2, Rank = 4, LoraTargets = new() { ["llm"] = ["q_proj"] } };

            new MoleAdapterFactory().Attach(options, new AdapterBuildContext("mole", components, new NoForwardContext(), META, 1));

            llm.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape).Should().BeEquivalentTo(new Dictionary<string, long[]>
            {
                ["layers.0.q_proj.weight"] = [8, 8],
                ["layers.0.q_proj.mole.lora_A.weight"] = [4, 8],
                ["layers.0.q_proj.mole.lora_B.weight"] = [8, 4],
                ["layers.0.mlp.gate_proj.weight"] = [16, 8],
                ["layers.0.mlp.gate_proj.mole.experts.0.lora_A.weight"] = [4, 8],
                ["layers.0.mlp.gate_proj.mole.experts.0.lora_B.weight"] = [16, 4],
                ["layers.0.mlp.gate_proj.mole.experts.1.lora_A.weight"] = [4, 8],
                ["layers.0.mlp.gate_proj.mole.experts.1.lora_B.weight"] = [16, 4],
                ["layers.0.mlp.up_proj.weight"] = [16, 8],
                ["layers.0.mlp.up_proj.mole.experts.0.lora_A.weight"] = [4, 8],
                ["layers.0.mlp.up_proj.mole.experts.0.lora_B.weight"] = [16, 4],
                ["layers.0.mlp.up_proj.mole.experts.1.lora_A.weight"] = [4, 8],
                ["layers.0.mlp.up_proj.mole.experts.1.lora_B.weight"] = [16, 4],
                ["layers.0.mlp.down_proj.weight"] = [8, 16],
                ["layers.0.mlp.down_proj.mole.experts.0.lora_A.weight"] = [4, 16],
                ["layers.0.mlp.down_proj.mole.experts.0.lora_B.weight"] = [8, 4],
                ["layers.0.mlp.down_proj.mole.experts.1.lora_A.weight"] = [4, 16],
                ["layers.0.mlp.down_proj.mole.experts.1.lora_B.weight"] = [8, 4],
                ["layers.0.mlp.mole.router.weight"] = [2, 8],
                ["layers.0.mlp.mole.router.bias"] = [2],
            });
            llm.parameters().Should().OnlyContain(p => p.device_type == TorchSharp.DeviceType.META);
        }
        finally
        {
            set_default_device(CPU);
        }
    }
}
