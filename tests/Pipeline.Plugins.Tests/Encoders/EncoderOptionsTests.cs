using Pipeline.Contracts.Options;
using Pipeline.Plugins.Encoders.Audio;
using Pipeline.Plugins.Encoders.Vision;

namespace Pipeline.Plugins.Tests.Encoders;

/// <summary>Exact validation messages of both encoders' options, keyed by the snake_case YAML key.</summary>
public sealed class EncoderOptionsTests
{
    public static TheoryData<string, IValidatableOptions, string, string> InvalidOptions => new()
    {
        { "vision layers 0", new VisionEncoderOptions { Layers = 0 }, "layers", "must be at least 1, got 0" },
        { "vision patch 7", new VisionEncoderOptions { PatchSize = 7 }, "image_size", "must be divisible by patch_size (7), got 32" },
        { "vision width 30", new VisionEncoderOptions { Width = 30 }, "width", "must be divisible by heads (4), got 30" },
        { "vision mlp 0", new VisionEncoderOptions { MlpRatio = 0 }, "mlp_ratio", "must be at least 1, got 0" },
        { "vision tokens", new VisionEncoderOptions { OutputTokens = "all" }, "output_tokens", "must be one of patches, cls_every_k, got 'all'" },
        { "vision activation", new VisionEncoderOptions { Activation = "relu" }, "activation", "must be one of quick_gelu, gelu, got 'relu'" },
        { "vision k 3 of 4", new VisionEncoderOptions { OutputTokens = "cls_every_k", Layers = 4, ClsEvery = 3 }, "cls_every", "must divide layers (4), got 3" },
        { "vision k 0", new VisionEncoderOptions { ClsEvery = 0 }, "cls_every", "must be at least 1, got 0" },
        { "vision mean", new VisionEncoderOptions { ChannelMean = [0.5] }, "channel_mean", "must have 3 values (R, G, B), got 1" },
        { "vision std", new VisionEncoderOptions { ChannelStd = [0.2, 0, 0.2] }, "channel_std", "must be greater than 0, got 0" },
        { "audio rate", new AudioEncoderOptions { SampleRate = 0 }, "sample_rate", "must be at least 1, got 0" },
        { "audio seconds 0", new AudioEncoderOptions { ClipSeconds = 0 }, "clip_seconds", "must be greater than 0, got 0" },
        { "audio seconds short", new AudioEncoderOptions { ClipSeconds = 0.01 }, "clip_seconds",
            "must give more than n_fft / 2 (200) samples at sample_rate 16000, got 0.01 (160 samples)" },
        { "audio heads 3", new AudioEncoderOptions { Heads = 3 }, "width", "must be divisible by heads (3), got 64" },
        { "audio hop 0", new AudioEncoderOptions { HopLength = 0 }, "hop_length", "must be at least 1, got 0" },
        { "audio pool -1", new AudioEncoderOptions { PoolTo = -1 }, "pool_to", "must be at least 0, got -1" },
        { "audio pool 30", new AudioEncoderOptions { PoolTo = 30 }, "pool_to", "must be at most 25 (the frames after conv2), got 30" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_values_give_exactly_one_error_naming_the_yaml_key(string caseName, IValidatableOptions options, string key, string message)
    {
        options.Validate().Should().Equal([new OptionError(key, message)], caseName);
    }

    [Fact]
    public void Defaults_are_valid()
    {
        new VisionEncoderOptions().Validate().Should().BeEmpty();
        new VisionEncoderOptions { OutputTokens = "cls_every_k", Layers = 24, ClsEvery = 4 }.Validate().Should().BeEmpty();
        new AudioEncoderOptions().Validate().Should().BeEmpty();
        new AudioEncoderOptions { PoolTo = 0 }.Validate().Should().BeEmpty();
    }

    [Fact]
    public void Token_counts_follow_the_options()
    {
        new VisionEncoderOptions().TokenCount.Should().Be(16);
        new VisionEncoderOptions { ImageSize = 224, PatchSize = 14 }.TokenCount.Should().Be(256);
        new VisionEncoderOptions { OutputTokens = "cls_every_k", Layers = 24, ClsEvery = 4 }.TokenCount.Should().Be(6);
        new AudioEncoderOptions { PoolTo = 0 }.TokenCount.Should().Be(25); // 8000 samples / 160 = 50 frames, stride 2
        new AudioEncoderOptions { PoolTo = 0, ClipSeconds = 30, MelBins = 80 }.TokenCount.Should().Be(1500); // Whisper's 1500 positions
        new AudioEncoderOptions().TokenCount.Should().Be(8);
    }
}
