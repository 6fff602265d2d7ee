using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Modules;
using Pipeline.Host.Modules.Llama;
using Pipeline.Host.Modules.Multimodal;
using static Pipeline.Host.Tests.Modules.ProjectionAdapterModules;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Modules;

/// <summary>
/// <see cref="ISwitchableAdapterSite"/> on every site (contracts 1.6): switched off, a site computes what it computes without
/// the adapter; switched on again, what it computes with it; a name not attached there is ignored.
/// </summary>
public sealed class AdapterSwitchTests
{
    private static readonly LlamaOptions Tiny = new() { VocabSize = 16, HiddenSize = 16, IntermediateSize = 24, Layers = 1, Heads = 4, KvHeads = 2 };

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.equal(b).all().item<bool>();

    [Fact]
    public void A_projection_switched_off_runs_neither_the_adapters_transform_nor_its_delta()
    {
        manual_seed(1);
        using var projection = new AdaptableLinear(3, 2);
        using var scope = NewDisposeScope();
        Tensor input = randn(4, 3);
        Tensor plain = projection.call(input).detach();
        projection.AttachWeightTransform("ia3", new RowScale([2f, -1f]));
        projection.Attach("lora", new FixedDelta(new float[,] { { 1, 0, 0 }, { 0, 0, 1 } }));
        Tensor adapted = projection.call(input).detach();

        projection.SetActive("ia3", false);
        projection.SetActive("lora", false);

        (projection.IsActive("ia3"), projection.IsActive("lora")).Should().Be((false, false));
        Same(projection.call(input), plain).Should().BeTrue();
        projection.AdapterNames.Should().Equal("ia3", "lora");
        projection.SetActive("ia3", true);
        projection.SetActive("lora", true);
        Same(projection.call(input), adapted).Should().BeTrue();
        Same(adapted, plain).Should().BeFalse();
    }

    [Fact]
    public void A_projection_switches_one_adapter_and_leaves_the_others_running()
    {
        manual_seed(2);
        using var projection = new AdaptableLinear(3, 2);
        using var other = new AdaptableLinear(3, 2);
        using var scope = NewDisposeScope();
        using (no_grad()) other.Weight.copy_(projection.Weight);
        using (no_grad()) other.Bias!.copy_(projection.Bias!);
        projection.AttachWeightTransform("ia3", new RowScale([2f, -1f]));
        projection.Attach("lora", new FixedDelta(new float[,] { { 1, 0, 0 }, { 0, 0, 1 } }));
        other.Attach("lora", new FixedDelta(new float[,] { { 1, 0, 0 }, { 0, 0, 1 } }));
        Tensor input = randn(4, 3);

        projection.SetActive("ia3", false);

        Same(projection.call(input), other.call(input)).Should().BeTrue("the delta still runs, on the untransformed weight");
    }

    [Fact]
    public void A_name_not_attached_is_ignored_and_reads_as_active()
    {
        manual_seed(3);
        using var projection = new AdaptableLinear(3, 2);
        using var slot = new AttentionInputSlot(0, 3);
        using var scope = NewDisposeScope();
        projection.Attach("lora", new FixedDelta(new float[,] { { 1, 0, 0 }, { 0, 0, 1 } }));
        Tensor input = randn(4, 3);
        Tensor before = projection.call(input).detach();

        projection.SetActive("elsewhere", false);
        slot.SetActive("elsewhere", false);

        projection.IsActive("elsewhere").Should().BeTrue();
        slot.IsActive("elsewhere").Should().BeTrue();
        Same(projection.call(input), before).Should().BeTrue();
        projection.Attach("elsewhere", new FixedDelta(new float[,] { { 1, 1, 1 }, { 1, 1, 1 } }));
        projection.IsActive("elsewhere").Should().BeTrue("switching off before attaching is not remembered");
    }

    [Fact]
    public void An_attention_input_slot_switched_off_passes_its_input_through()
    {
        manual_seed(4);
        using var slot = new AttentionInputSlot(0, 3);
        using var scope = NewDisposeScope();
        slot.Attach("double", new Scaling(2));
        slot.Attach("triple", new Scaling(3));
        Tensor input = randn(2, 5, 3);

        slot.SetActive("double", false);
        Tensor tripled = slot.call(input);
        slot.SetActive("triple", false);

        slot.IsActive("double").Should().BeFalse();
        Same(slot.call(input), input).Should().BeTrue();
        allclose(tripled, input * 3).Should().BeTrue();
        slot.SetActive("double", true);
        slot.SetActive("triple", true);
        allclose(slot.call(input), input * 6).Should().BeTrue();
    }

    [Fact]
    public void The_llm_feed_forward_does_not_call_a_switched_off_input_observer()
    {
        manual_seed(5);
        using var mlp = new LlamaMlp(0, Tiny);
        var observer = new CallCounter();
        mlp.AttachInputObserver("router", observer);
        using var scope = NewDisposeScope();
        Tensor input = randn(2, 4, Tiny.HiddenSize);
        Tensor withObserver = mlp.call(input);

        mlp.SetActive("router", false);
        Tensor without = mlp.call(input);

        observer.Calls.Should().Be(1);
        mlp.IsActive("router").Should().BeFalse();
        Same(without, withObserver).Should().BeTrue();
        mlp.SetActive("router", true);
        mlp.call(input);
        observer.Calls.Should().Be(2);
    }

    [Fact]
    public void The_llm_feed_forward_leaves_its_projections_adapters_to_the_projections()
    {
        manual_seed(6);
        using var mlp = new LlamaMlp(0, Tiny);
        ((AdaptableLinear)mlp.Up).Attach("lora", new FixedDelta(new float[Tiny.IntermediateSize, Tiny.HiddenSize]));

        mlp.SetActive("lora", false);

        mlp.IsActive("lora").Should().BeTrue("the block has no observer named 'lora'");
        ((AdaptableLinear)mlp.Up).IsActive("lora").Should().BeTrue("only the projection itself switches it");
    }

    [Fact]
    public void The_llm_without_a_switched_off_prefix_computes_the_logits_of_the_model_without_it()
    {
        manual_seed(7);
        var accessor = new ForwardContextAccessor();
        using var model = new LlamaForCausalLM(Tiny, accessor);
        using var scope = NewDisposeScope();
        Tensor ids = tensor(new long[] { 1, 5, 7, 2, 9, 4, 3, 8 }, [2, 4]);
        Tensor plain = model.call(model.EmbedTokens(ids)).detach();
        model.Attach("visible", new ConstantPrefix(Tiny.HiddenSize, visibleToText: true));
        using var context = accessor.Use(new ForwardContext(ones(2, 4, dtype: ScalarType.Bool), tensor(new[] { true, false }), isTraining: false));
        Tensor withPrefix = model.call(model.EmbedTokens(ids)).detach();

        model.SetActive("visible", false);
        Tensor switchedOff = model.call(model.EmbedTokens(ids)).detach();

        model.IsActive("visible").Should().BeFalse();
        Same(switchedOff, plain).Should().BeTrue();
        allclose(withPrefix, plain, atol: 1e-3).Should().BeFalse("the visible prefix changes the text's logits");
        model.SetActive("visible", true);
        Same(model.call(model.EmbedTokens(ids)), withPrefix).Should().BeTrue();
    }

    [Fact]
    public void The_llm_with_a_hidden_prefix_switched_off_computes_what_it_computes_with_the_visible_one_alone()
    {
        var accessor = new ForwardContextAccessor();
        using var visibleAlone = Model(accessor, withHidden: false);
        using var both = Model(accessor, withHidden: true);
        using var scope = NewDisposeScope();
        Tensor ids = tensor(new long[] { 1, 5, 7, 2, 9, 4, 3, 8 }, [2, 4]);
        using var context = accessor.Use(new ForwardContext(ones(2, 4, dtype: ScalarType.Bool), tensor(new[] { true, false }), isTraining: false));
        Tensor expected = visibleAlone.call(visibleAlone.EmbedTokens(ids)).detach();
        Tensor withHidden = both.call(both.EmbedTokens(ids)).detach();

        both.SetActive("hidden", false);

        // Hidden from the text but seen by the visible prefix after it, the hidden prefix changes the logits while on.
        allclose(withHidden, expected, atol: 1e-3).Should().BeFalse();
        Same(both.call(both.EmbedTokens(ids)), expected).Should().BeTrue();
        Same(both.PrefixAwareCausalMask(3, CPU), ones(3, 3, dtype: ScalarType.Bool).tril()).Should().BeTrue("no prefix that is on is hidden");
    }

    /// <summary>
    /// The same two-layer LLM and visible prefix every time; with <paramref name="withHidden"/>, a hidden prefix attached
    /// before it (two layers, so what the visible prefix read from it reaches the text).
    /// </summary>
    private static LlamaForCausalLM Model(ForwardContextAccessor accessor, bool withHidden)
    {
        manual_seed(8);
        var model = new LlamaForCausalLM(Tiny with { Layers = 2 }, accessor);
        manual_seed(9);
        if (withHidden) model.Attach("hidden", new ConstantPrefix(Tiny.HiddenSize, visibleToText: false));
        manual_seed(10);
        model.Attach("visible", new ConstantPrefix(Tiny.HiddenSize, visibleToText: true));
        return model;
    }
}
