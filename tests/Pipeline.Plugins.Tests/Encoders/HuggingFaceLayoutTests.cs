using System.Text.Json;
using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Interop;
using Pipeline.Plugins.Encoders.Audio;
using Pipeline.Plugins.Encoders.Vision;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Encoders;

/// <summary>The encoders' Hugging Face layouts: which config.json fields must match their options, and how mismatches read.</summary>
public sealed class HuggingFaceLayoutTests
{
    private static IHuggingFaceLayout Layout(IEncoderFactory factory, object options)
    {
        using var meta = new MetaDefaultDevice();
        return (IHuggingFaceLayout)factory.Create(options, new EncoderBuildContext("encoder", META, 1));
    }

    private static IReadOnlyList<string> Check(IHuggingFaceLayout layout, string json)
    {
        using var document = JsonDocument.Parse(json);
        return layout.CheckConfig(document.RootElement);
    }

    [Fact]
    public void Clip_vit_b_32_options_match_its_vision_config_and_absent_fields_take_the_defaults()
    {
        var layout = Layout(new VisionEncoderFactory(), new VisionEncoderOptions { ImageSize = 224, PatchSize = 32, Width = 768, Layers = 12, Heads = 12 });

        Check(layout, """{"model_type": "clip", "vision_config": {"hidden_size": 768, "patch_size": 32}}""").Should().BeEmpty();
        layout.KeyPrefixes[0].Should().Be("vision_model.");
    }

    [Fact]
    public void Vision_mismatches_name_both_sides_and_mark_defaults()
    {
        var layout = Layout(new VisionEncoderFactory(), new VisionEncoderOptions());

        Check(layout, """{"model_type": "siglip_vision_model", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "image_size": 32, "hidden_act": "gelu_pytorch_tanh"}""")
            .Should().Equal(
                "model_type is \"siglip_vision_model\" in config.json, but the vision encoder is CLIP's (clip_vision_model)",
                "intermediate_size is 3072 (absent from config.json: the Hugging Face default), but width * mlp_ratio is 256",
                "patch_size is 32 (absent from config.json: the Hugging Face default), but patch_size is 8",
                "hidden_act is \"gelu_pytorch_tanh\" in config.json, but activation is quick_gelu");
    }

    [Fact]
    public void Whisper_needs_thirty_second_clips_for_its_position_table()
    {
        var layout = Layout(new AudioEncoderFactory(), new AudioEncoderOptions { MelBins = 80, Width = 512, Layers = 6, Heads = 8 });

        Check(layout, """{"model_type": "whisper", "d_model": 512, "encoder_layers": 6, "encoder_attention_heads": 8, "encoder_ffn_dim": 2048, "num_mel_bins": 80, "max_source_positions": 1500}""")
            .Should().Equal("max_source_positions is 1500 in config.json, but the encoder's position count (frames after conv2 for clip_seconds 0.5 at hop_length 160) is 25");
        var whisperBase = Layout(new AudioEncoderFactory(), new AudioEncoderOptions { ClipSeconds = 30, MelBins = 80, Width = 512, Layers = 6, Heads = 8 });
        Check(whisperBase, """{"model_type": "whisper", "d_model": 512, "encoder_layers": 6, "encoder_attention_heads": 8, "encoder_ffn_dim": 2048, "num_mel_bins": 80, "max_source_positions": 1500}""")
            .Should().BeEmpty();
    }
}
