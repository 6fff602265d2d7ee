using Pipeline.Contracts.Adapters;
using Pipeline.Host.Modules.Llama;
using Pipeline.Host.Modules.Multimodal;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Modules.Llama;

public sealed class LlamaForwardTests
{
    private static readonly LlamaOptions Tiny = new()
    {
        VocabSize = 16, HiddenSize = 16, IntermediateSize = 24, Layers = 2, Heads = 4, KvHeads = 2,
    };

    [Fact]
    public void Logits_are_causal_a_later_token_does_not_change_earlier_positions()
    {
        manual_seed(3);
        using var model = new LlamaForCausalLM(Tiny, new ForwardContextAccessor());
        using var ids = tensor(new long[] { 1, 5, 7, 2, 9, 4 }, [1, 6]);
        using var changed = ids.clone();
        changed[0, 5] = 11;

        using var a = model.call(model.EmbedTokens(ids));
        using var b = model.call(model.EmbedTokens(changed));

        a.shape.Should().Equal(1, 6, 16);
        allclose(a.narrow(1, 0, 5), b.narrow(1, 0, 5), atol: 1e-6).Should().BeTrue();
        allclose(a.narrow(1, 5, 1), b.narrow(1, 5, 1), atol: 1e-3).Should().BeFalse();
    }

    [Fact]
    public void A_prefix_hidden_from_text_leaves_text_logits_unchanged()
    {
        manual_seed(4);
        var accessor = new ForwardContextAccessor();
        using var model = new LlamaForCausalLM(Tiny, accessor);
        using var ids = tensor(new long[] { 1, 5, 7, 2, 9, 4, 3, 8 }, [2, 4]);
        using var plain = model.call(model.EmbedTokens(ids));

        model.Attach("probe", new ConstantPrefix(Tiny.HiddenSize, visibleToText: false));
        using var mask = ones(2, 4, dtype: ScalarType.Bool);
        using var hasMedia = tensor(new[] { true, false });
        Tensor withPrefix;
        using (accessor.Use(new ForwardContext(mask, hasMedia, isTraining: false)))
            withPrefix = model.call(model.EmbedTokens(ids));

        // Rotary attention depends on relative positions only, so shifting the text by one hidden position is exact.
        withPrefix.shape.Should().Equal(2, 4, 16);
        allclose(withPrefix, plain, atol: 1e-5).Should().BeTrue();
        withPrefix.Dispose();
    }

    [Fact]
    public void Prefix_mask_keeps_text_positions_from_attending_to_a_hidden_prefix()
    {
        using var model = new LlamaForCausalLM(Tiny with { Layers = 1 }, new ForwardContextAccessor());
        model.Attach("probe", new ConstantPrefix(Tiny.HiddenSize, visibleToText: false));

        using var mask = model.PrefixAwareCausalMask(4, CPU);

        var rows = Enumerable.Range(0, 4).Select(r => string.Concat(mask[r].data<bool>().Select(v => v ? '1' : '0'))).ToList();
        rows.Should().Equal("1000", "0100", "0110", "0111");
    }

    [Fact]
    public void Selected_logits_are_the_full_logits_rows_at_the_selected_text_positions_with_a_prefix_attached()
    {
        manual_seed(5);
        var accessor = new ForwardContextAccessor();
        using var model = new LlamaForCausalLM(Tiny, accessor);
        model.Attach("probe", new ConstantPrefix(Tiny.HiddenSize, visibleToText: true));
        using var scope = NewDisposeScope();
        Tensor ids = tensor(new long[] { 1, 5, 7, 2, 9, 4, 3, 8 }, [2, 4]);
        Tensor selection = tensor(new[] { false, true, false, true, true, false, false, false }, [2, 4]);
        using var current = accessor.Use(new ForwardContext(ones(2, 4, dtype: ScalarType.Bool), tensor(new[] { true, false }), isTraining: false));

        Tensor full = model.call(model.EmbedTokens(ids));
        Tensor selected = model.SelectedLogits(model.EmbedTokens(ids), selection);

        selected.shape.Should().Equal(3, 16);
        // The same rows up to rounding: a matrix product over fewer rows may round the last bit differently.
        allclose(selected, stack([full[0, 1], full[0, 3], full[1, 0]]), rtol: 1e-6, atol: 1e-6).Should().BeTrue();
        var wrongShape = () => model.SelectedLogits(model.EmbedTokens(ids), ones(2, 5, dtype: ScalarType.Bool));
        wrongShape.Should().Throw<ArgumentException>().WithMessage("the selection [2, 5] does not match the 2 x 4 text positions*");
    }

    private sealed class ConstantPrefix : nn.Module, ISequencePrefix
    {
        private readonly int _width;
        private readonly TorchSharp.Modules.Parameter token;

        public ConstantPrefix(int width, bool visibleToText) : base(nameof(ConstantPrefix))
        {
            _width = width;
            VisibleToText = visibleToText;
            token = new TorchSharp.Modules.Parameter(randn(width) * 5);
            RegisterComponents();
        }

        public nn.Module Module => this;

        public int Length => 1;

        public bool VisibleToText { get; }

        public Tensor Embed(ForwardContext context) => token.expand(context.SampleHasMedia.shape[0], 1, _width);
    }
}
