using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Media;
using Pipeline.Contracts.Options;
using Pipeline.Plugins.Encoders.Audio;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Encoders;

/// <summary>The audio encoder's optional class token: MMA routes on it, and <c>cls_every_k</c> output reads it, as in the vision encoder.</summary>
public sealed class AudioClassTokenTests
{
    private static IEncoder Build(AudioEncoderOptions options, long seed = 7) =>
        new AudioEncoderFactory().Create(options, new EncoderBuildContext("audio", CPU, seed));

    private static AudioItem Noise(string id, int seed)
    {
        var random = new Random(seed);
        return new AudioItem(id, Enumerable.Range(0, 8000).Select(_ => random.NextSingle() * 2 - 1).ToArray(), 16000);
    }

    /// <summary>A transform that records its input at an attention-input site and returns it unchanged.</summary>
    private sealed class Probe() : nn.Module<Tensor, Tensor>(nameof(Probe))
    {
        public Tensor? Seen { get; private set; }

        public override Tensor forward(Tensor input)
        {
            Seen = input.detach().clone().DetachFromDisposeScope();
            return input;
        }
    }

    [Fact]
    public void The_class_token_is_one_parameter_drawn_after_every_other_weight()
    {
        using var plain = Build(new AudioEncoderOptions(), seed: 4);
        using var withToken = Build(new AudioEncoderOptions { ClassToken = true }, seed: 4);

        var plainState = plain.Module.state_dict();
        var tokenState = withToken.Module.state_dict();
        tokenState.Keys.Except(plainState.Keys).Should().Equal("class_embedding");
        tokenState["class_embedding"].shape.Should().Equal(64);
        plainState.Should().OnlyContain(kv => kv.Value.equal(tokenState[kv.Key]).all().item<bool>(), "the other weights do not change");
    }

    [Fact]
    public void Frames_output_drops_the_class_token_and_keeps_its_shape()
    {
        using var encoder = Build(new AudioEncoderOptions { ClassToken = true, PoolTo = 0 });
        using var batch = encoder.Collate([Noise("a", 1), Noise("b", 2)], CPU);

        using var frames = encoder.Encode(batch);

        frames.shape.Should().Equal(2, 25, 64);
    }

    [Fact]
    public void Cls_every_k_returns_the_class_token_state_after_every_kth_block()
    {
        var options = new AudioEncoderOptions { ClassToken = true, Layers = 4, OutputTokens = "cls_every_k", ClsEvery = 2 };
        using var encoder = Build(options);
        var probes = encoder.AttentionInputSites.Select(site => { var probe = new Probe(); site.Attach("probe", probe); return probe; }).ToList();
        using var batch = encoder.Collate([Noise("a", 1), Noise("b", 2)], CPU);

        using var tokens = encoder.Encode(batch);

        encoder.TokenCount.Should().Be(2);
        tokens.shape.Should().Equal(2, 2, 64);
        // Each block's attention input (after its norm) holds the class token at position 0, then the 25 frames.
        probes[2].Seen!.shape.Should().Equal(new long[] { 2, 26, 64 });
        using var firstInput = probes[0].Seen!.select(1, 0);
        allclose(firstInput[0], firstInput[1]).Should().BeTrue("before any attention, position 0 is the same class token for every clip");
        using var laterInput = probes[2].Seen!.select(1, 0);
        allclose(laterInput[0], laterInput[1], atol: 1e-4).Should().BeFalse("after two blocks, each clip's class token has read its own frames");
    }

    [Fact]
    public void Cls_every_k_needs_the_class_token_and_a_k_that_divides_the_layers()
    {
        new AudioEncoderOptions { OutputTokens = "cls_every_k" }.Validate().Should().Equal(
            new OptionError("output_tokens", "cls_every_k needs class_token: true (the audio encoder has no [CLS] otherwise)"));
        new AudioEncoderOptions { ClassToken = true, OutputTokens = "cls_every_k", Layers = 3, ClsEvery = 2 }.Validate().Should().Equal(
            new OptionError("cls_every", "must divide layers (3), got 2"));
        new AudioEncoderOptions { OutputTokens = "cls" }.Validate().Should().Equal(
            new OptionError("output_tokens", "must be one of frames, cls_every_k, got 'cls'"));
        new AudioEncoderOptions { ClassToken = true, OutputTokens = "cls_every_k", ClipSeconds = 0.05, PoolTo = 8 }.Validate()
            .Should().BeEmpty("pool_to is unused with cls_every_k");
    }
}
