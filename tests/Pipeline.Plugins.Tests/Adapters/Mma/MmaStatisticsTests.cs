using Pipeline.Contracts.Adapters;
using Pipeline.Plugins.Adapters.Mma;
using Pipeline.Plugins.Tests.Adapters.Mole;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Mma;

/// <summary>The routing weights MMA's LLM routers report per sample in evaluation forwards that collect statistics.</summary>
public sealed class MmaStatisticsTests
{
    private readonly SlotStack _llm = new(layers: 2, width: 4);
    private readonly SlotStack _vision = new(layers: 3, width: 6);
    private readonly CurrentForwardContext _forward = new();

    private MmaAdapter Attach() => (MmaAdapter)new MmaAdapterFactory().Attach(
        new MmaOptions { Targets = new() { ["llm"] = [MmaOptions.EveryBlock], ["vision"] = [MmaOptions.EveryBlock] }, ModalityToken = false },
        new AdapterBuildContext("mma", new Dictionary<string, IAdaptableComponent>
        {
            ["llm"] = new SlotComponent("llm", _llm, 4), ["vision"] = new SlotComponent("vision", _vision, 6),
        }, _forward, CPU, 5));

    [Fact]
    public void Each_llm_layer_reports_its_weights_and_the_pool_their_mean_over_layers_with_rows_summing_to_one()
    {
        using var scope = NewDisposeScope();
        var adapter = Attach();
        using var generator = new Generator(3);
        Tensor text = randn([3, 5, 4], generator: generator);
        var context = new ForwardContext(ones(3, 5, dtype: ScalarType.Bool), tensor(new[] { true, false, true }), isTraining: false, collectsSampleStatistics: true);
        _forward.Current = context;

        _llm.call(text);
        // Media of two samples only: encoder-side routers must not report (their rows are not the batch's samples).
        _vision.call(randn([2, 3, 6], generator: generator));

        context.SampleStatistics.Select(s => s.Name).Should().Equal("mma_layer0_routing", "mma_routing", "mma_layer1_routing");
        var reported = context.SampleStatistics.ToDictionary(s => s.Name, s => s.PerSample);
        // Up-projections start at zero, so both layers see the same input.
        Tensor layer0 = adapter.Blocks["llm:layers.0.attn_input"].RoutingWeights(text);
        Tensor layer1 = adapter.Blocks["llm:layers.1.attn_input"].RoutingWeights(text);
        reported["mma_layer0_routing"].allclose(layer0, atol: 1e-6).Should().BeTrue();
        reported["mma_layer1_routing"].allclose(layer1, atol: 1e-6).Should().BeTrue();
        reported["mma_routing"].allclose((layer0 + layer1) / 2, atol: 1e-6).Should().BeTrue();
        foreach (var (_, weights) in context.SampleStatistics)
        {
            weights.shape.Should().Equal(3, 2);
            weights.sum(1).allclose(ones(3), atol: 1e-6).Should().BeTrue();
        }
    }

    [Fact]
    public void A_training_forward_reports_nothing()
    {
        using var scope = NewDisposeScope();
        Attach();
        var context = new ForwardContext(ones(3, 5, dtype: ScalarType.Bool), zeros(3, dtype: ScalarType.Bool), isTraining: true);
        _forward.Current = context;

        _llm.call(randn(3, 5, 4));

        context.SampleStatistics.Should().BeEmpty();
    }
}
