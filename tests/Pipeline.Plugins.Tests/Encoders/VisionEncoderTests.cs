using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Media;
using Pipeline.Plugins.Encoders.Vision;
using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Encoders;

public sealed class VisionEncoderTests
{
    private static IEncoder Build(VisionEncoderOptions options, long seed = 7) =>
        new VisionEncoderFactory().Create(options, new EncoderBuildContext("vision", CPU, seed));

    private static ImageItem RandomImage(string id, int height, int width, int seed)
    {
        var random = new Random(seed);
        return new ImageItem(id, Enumerable.Range(0, 3 * height * width).Select(_ => random.NextSingle()).ToArray(), height, width);
    }

    [Fact]
    public void Factory_is_exported_as_vision_with_its_options_type()
    {
        typeof(VisionEncoderFactory).GetCustomAttribute<ExportEncoderAttribute>()!.Name.Should().Be("vision");
        new VisionEncoderFactory().OptionsType.Should().Be(typeof(VisionEncoderOptions));
        var act = () => new VisionEncoderFactory().Create(new object(), new EncoderBuildContext("vision", CPU, 1));
        act.Should().Throw<ArgumentException>().WithMessage("encoder 'vision' expects options of type VisionEncoderOptions, got Object*");
    }

    [Fact]
    public void Collate_resizes_any_size_and_normalises_each_channel()
    {
        using var encoder = Build(new VisionEncoderOptions());
        var grey = new ImageItem("grey", Enumerable.Repeat(0.5f, 3 * 10 * 14).ToArray(), 10, 14);

        using var batch = encoder.Collate([grey], CPU);

        batch.shape.Should().Equal(1, 3, 32, 32);
        double[] expected = [(0.5 - 0.48145466) / 0.26862954, (0.5 - 0.4578275) / 0.26130258, (0.5 - 0.40821073) / 0.27577711];
        for (int channel = 0; channel < 3; channel++)
        {
            using var plane = batch[0, channel];
            plane.min().item<float>().Should().BeApproximately((float)expected[channel], 1e-5f);
            plane.max().item<float>().Should().BeApproximately((float)expected[channel], 1e-5f);
        }
    }

    [Fact]
    public void Collate_rejects_other_media_naming_the_source()
    {
        using var encoder = Build(new VisionEncoderOptions());
        var act = () => encoder.Collate([new AudioItem("sample-3:clip.wav", new float[10], 16000)], CPU);
        act.Should().Throw<InvalidDataException>().WithMessage("'sample-3:clip.wav': encoder 'vision' takes images, got audio");
    }

    [Fact]
    public void Patch_tokens_are_every_patch_after_post_layernorm()
    {
        using var encoder = Build(new VisionEncoderOptions());
        using var batch = encoder.Collate([RandomImage("a", 40, 50, 1), RandomImage("b", 32, 32, 2)], CPU);

        using var tokens = encoder.Encode(batch);

        encoder.TokenCount.Should().Be(16);
        tokens.shape.Should().Equal(2, 16, 64);
        // post_layernorm with its initial unit scale and zero shift: every token has mean 0 and variance 1.
        using var means = tokens.mean([2]);
        means.abs().max().item<float>().Should().BeLessThan(1e-4f);
    }

    [Fact]
    public void Cls_every_k_returns_the_cls_state_after_blocks_k_2k_and_so_on()
    {
        using var encoder = Build(new VisionEncoderOptions { Layers = 4, OutputTokens = "cls_every_k", ClsEvery = 2 });
        var classAfterBlock = new Dictionary<int, Tensor>();
        var blocks = encoder.Module.named_modules().Where(m => m.name.StartsWith("encoder.layers.") && m.name.Count(c => c == '.') == 2)
            .Select(m => (nn.Module<Tensor, Tensor>)m.module).ToList();
        blocks.Should().HaveCount(4);
        var hooks = blocks.Select((block, i) => block.register_forward_hook((_, _, output) =>
        {
            classAfterBlock[i + 1] = output[.., 0].detach().clone().DetachFromDisposeScope();
            return output;
        })).ToList();
        using var batch = encoder.Collate([RandomImage("a", 32, 32, 1), RandomImage("b", 20, 24, 2)], CPU);

        using var tokens = encoder.Encode(batch);

        encoder.TokenCount.Should().Be(2);
        tokens.shape.Should().Equal(2, 2, 64);
        tokens[.., 0].equal(classAfterBlock[2]).all().item<bool>().Should().BeTrue();
        tokens[.., 1].equal(classAfterBlock[4]).all().item<bool>().Should().BeTrue();
        tokens[.., 0].allclose(classAfterBlock[1]).Should().BeFalse();
        foreach (var hook in hooks) hook.remove();
        foreach (var state in classAfterBlock.Values) state.Dispose();
    }

    [Fact]
    public void Exposes_six_linear_sites_and_one_attention_input_per_block_and_nothing_else()
    {
        using var encoder = Build(new VisionEncoderOptions());

        encoder.Modality.Should().Be("image");
        encoder.Width.Should().Be(64);
        encoder.LinearSites.Keys.Should().BeEquivalentTo(
            from layer in new[] { 0, 1 }
            from name in new[] { "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.out_proj", "mlp.fc1", "mlp.fc2" }
            select $"encoder.layers.{layer}.{name}");
        encoder.AttentionInputSites.Select(s => (s.LayerIndex, s.Width)).Should().Equal((0, 64), (1, 64));
        encoder.FeedForwardSites.Should().BeEmpty();
        encoder.SequencePrefix.Should().BeNull();
    }

    [Fact]
    public void The_attention_input_site_sits_on_the_attention_path()
    {
        using var encoder = Build(new VisionEncoderOptions());
        using var batch = encoder.Collate([RandomImage("a", 32, 32, 1)], CPU);
        using var before = encoder.Encode(batch);

        encoder.AttentionInputSites[1].Attach("zero", new ZeroTransform());
        using var after = encoder.Encode(batch);

        after.allclose(before).Should().BeFalse();
        encoder.Module.named_modules().Select(m => m.name).Should().Contain("encoder.layers.1.attn_input.zero");
    }

    [Fact]
    public void The_same_seed_gives_the_same_encoder_and_another_seed_does_not()
    {
        using var first = Build(new VisionEncoderOptions(), seed: 11);
        using var second = Build(new VisionEncoderOptions(), seed: 11);
        using var other = Build(new VisionEncoderOptions(), seed: 12);
        using var batch = first.Collate([RandomImage("a", 32, 32, 1)], CPU);

        using var a = first.Encode(batch);
        using var b = second.Encode(batch);
        using var c = other.Encode(batch);

        a.equal(b).all().item<bool>().Should().BeTrue();
        a.allclose(c).Should().BeFalse();
    }

    /// <summary>Replaces the attention input with zeros: enough to show the slot is on the path.</summary>
    private sealed class ZeroTransform() : nn.Module<Tensor, Tensor>(nameof(ZeroTransform))
    {
        public override Tensor forward(Tensor input) => zeros_like(input);
    }
}
