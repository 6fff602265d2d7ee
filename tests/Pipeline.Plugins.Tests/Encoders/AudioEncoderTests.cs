using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Media;
using Pipeline.Plugins.Encoders.Audio;
using System.Reflection;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Encoders;

public sealed class AudioEncoderTests
{
    private static IEncoder Build(AudioEncoderOptions options, long seed = 7) =>
        new AudioEncoderFactory().Create(options, new EncoderBuildContext("speech", CPU, seed));

    private static AudioItem Noise(string id, int samples, int seed)
    {
        var random = new Random(seed);
        return new AudioItem(id, Enumerable.Range(0, samples).Select(_ => random.NextSingle() * 2 - 1).ToArray(), 16000);
    }

    [Fact]
    public void Factory_is_exported_as_audio_with_its_options_type()
    {
        typeof(AudioEncoderFactory).GetCustomAttribute<ExportEncoderAttribute>()!.Name.Should().Be("audio");
        new AudioEncoderFactory().OptionsType.Should().Be(typeof(AudioEncoderOptions));
    }

    [Fact]
    public void A_wrong_sample_rate_is_rejected_naming_the_source_and_both_rates()
    {
        using var encoder = Build(new AudioEncoderOptions());
        var act = () => encoder.Collate([Noise("ok", 100, 1), new AudioItem("sample-9:call.wav", new float[100], 8000)], CPU);
        act.Should().Throw<InvalidDataException>()
            .WithMessage("'sample-9:call.wav': sample rate is 8000 Hz, but encoder 'speech' expects 16000 Hz; resample the audio");
    }

    [Fact]
    public void Collate_rejects_other_media_naming_the_source()
    {
        using var encoder = Build(new AudioEncoderOptions());
        var act = () => encoder.Collate([new ImageItem("sample-1:cat.png", new float[3], 1, 1)], CPU);
        act.Should().Throw<InvalidDataException>().WithMessage("'sample-1:cat.png': encoder 'speech' takes audio, got image");
    }

    [Fact]
    public void Collate_pads_short_clips_with_zeros_and_cuts_long_ones()
    {
        using var encoder = Build(new AudioEncoderOptions());
        var longClip = Noise("long", 9000, 2);

        using var batch = encoder.Collate([new AudioItem("short", [0.25f, -0.5f, 0.75f], 16000), longClip], CPU);

        batch.shape.Should().Equal(2, 8000);
        batch[0].data<float>().ToArray().Should().Equal([0.25f, -0.5f, 0.75f, .. new float[7997]]);
        batch[1].data<float>().ToArray().Should().Equal(longClip.Samples.Take(8000));
    }

    [Fact]
    public void The_encoder_reports_the_cut_it_makes_to_clips_longer_than_clip_seconds()
    {
        using var encoder = Build(new AudioEncoderOptions { ClipSeconds = 0.5 });
        var limit = encoder.Should().BeAssignableTo<IMediaLengthLimit>().Subject;

        limit.CutOf(Noise("long", 12000, 1)).Should().Be(new MediaCut(0.75, 0.5));
        limit.CutOf(Noise("longer", 40000, 2)).Should().Be(new MediaCut(2.5, 0.5));
    }

    [Fact]
    public void Clips_the_encoder_keeps_whole_or_rejects_report_no_cut()
    {
        using var encoder = Build(new AudioEncoderOptions { ClipSeconds = 0.5 });
        var limit = (IMediaLengthLimit)encoder;

        limit.CutOf(Noise("exact", 8000, 1)).Should().BeNull("8000 samples at 16 kHz are exactly clip_seconds");
        limit.CutOf(Noise("short", 100, 2)).Should().BeNull("short clips are padded, not cut");
        limit.CutOf(new AudioItem("slow", new float[40000], 8000)).Should().BeNull("Collate rejects another sample rate");
        limit.CutOf(new ImageItem("cat", new float[3], 1, 1)).Should().BeNull();
    }

    [Theory]
    [InlineData(0, 25)]
    [InlineData(8, 8)]
    [InlineData(25, 25)]
    public void Encode_returns_every_frame_after_conv2_or_pools_to_the_requested_count(int poolTo, int tokens)
    {
        using var encoder = Build(new AudioEncoderOptions { PoolTo = poolTo });
        using var batch = encoder.Collate([Noise("a", 8000, 1), Noise("b", 3000, 2)], CPU);

        using var features = encoder.Encode(batch);

        encoder.TokenCount.Should().Be(tokens);
        features.shape.Should().Equal(2, tokens, 64);
        features.isfinite().all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Pooling_averages_the_unpooled_frames()
    {
        using var unpooled = Build(new AudioEncoderOptions { PoolTo = 0 }, seed: 3);
        using var pooled = Build(new AudioEncoderOptions { PoolTo = 5 }, seed: 3);
        using var batch = unpooled.Collate([Noise("a", 8000, 1)], CPU);

        using var frames = unpooled.Encode(batch);
        using var tokens = pooled.Encode(batch);

        // 25 frames into 5 tokens: token j is the mean of frames 5j .. 5j + 4.
        using var expected = frames.view(1, 5, 5, 64).mean([2]);
        tokens.allclose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
    }

    [Fact]
    public void Exposes_six_linear_sites_and_one_attention_input_per_block_and_nothing_else()
    {
        using var encoder = Build(new AudioEncoderOptions());

        encoder.Modality.Should().Be("audio");
        encoder.Name.Should().Be("speech");
        encoder.LinearSites.Keys.Should().BeEquivalentTo(
            from layer in new[] { 0, 1 }
            from name in new[] { "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.out_proj", "fc1", "fc2" }
            select $"layers.{layer}.{name}");
        encoder.AttentionInputSites.Select(s => s.LayerIndex).Should().Equal(0, 1);
        encoder.FeedForwardSites.Should().BeEmpty();
        encoder.SequencePrefix.Should().BeNull();
    }

    [Fact]
    public void Positions_are_whisper_sinusoids_and_do_not_train()
    {
        using var encoder = Build(new AudioEncoderOptions());
        var positions = encoder.Module.state_dict()["embed_positions.weight"];

        positions.requires_grad.Should().BeFalse();
        // Row p is [sin(p * w_j) | cos(p * w_j)], w_0 = 1: row 0 is 32 zeros then 32 ones; row 1 starts with sin 1 and cos 1.
        using var first = positions[0];
        first.data<float>().ToArray().Should().Equal([.. new float[32], .. Enumerable.Repeat(1f, 32)]);
        positions[1, 0].item<float>().Should().BeApproximately((float)Math.Sin(1), 1e-6f);
        positions[1, 32].item<float>().Should().BeApproximately((float)Math.Cos(1), 1e-6f);
        // The slowest frequency is 1/10000: w_31 = 10000^(-31/31).
        positions[24, 31].item<float>().Should().BeApproximately((float)Math.Sin(24 / 10000.0), 1e-6f);
    }

    [Fact]
    public void The_same_seed_gives_the_same_encoder_and_another_seed_does_not()
    {
        using var first = Build(new AudioEncoderOptions(), seed: 5);
        using var second = Build(new AudioEncoderOptions(), seed: 5);
        using var other = Build(new AudioEncoderOptions(), seed: 6);
        using var batch = first.Collate([Noise("a", 8000, 1)], CPU);

        using var a = first.Encode(batch);
        using var b = second.Encode(batch);
        using var c = other.Encode(batch);

        a.equal(b).all().item<bool>().Should().BeTrue();
        a.allclose(c).Should().BeFalse();
    }
}
