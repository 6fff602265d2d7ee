using Pipeline.Contracts.Encoders;
using Pipeline.Plugins.Encoders.Audio;
using Pipeline.Plugins.Encoders.Vision;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Encoders;

/// <summary>Golden state-dict names and shapes of one-block encoders, built on the meta device (no weights allocated).</summary>
public sealed class EncoderStateDictTests
{
    private static readonly string[] ClipVisionOneLayer =
    [
        "embeddings.class_embedding [64]",
        "embeddings.patch_embedding.weight [64, 3, 8, 8]",
        "embeddings.position_embedding.weight [17, 64]",
        "pre_layrnorm.weight [64]",
        "pre_layrnorm.bias [64]",
        "encoder.layers.0.layer_norm1.weight [64]",
        "encoder.layers.0.layer_norm1.bias [64]",
        "encoder.layers.0.self_attn.q_proj.weight [64, 64]",
        "encoder.layers.0.self_attn.q_proj.bias [64]",
        "encoder.layers.0.self_attn.k_proj.weight [64, 64]",
        "encoder.layers.0.self_attn.k_proj.bias [64]",
        "encoder.layers.0.self_attn.v_proj.weight [64, 64]",
        "encoder.layers.0.self_attn.v_proj.bias [64]",
        "encoder.layers.0.self_attn.out_proj.weight [64, 64]",
        "encoder.layers.0.self_attn.out_proj.bias [64]",
        "encoder.layers.0.layer_norm2.weight [64]",
        "encoder.layers.0.layer_norm2.bias [64]",
        "encoder.layers.0.mlp.fc1.weight [256, 64]",
        "encoder.layers.0.mlp.fc1.bias [256]",
        "encoder.layers.0.mlp.fc2.weight [64, 256]",
        "encoder.layers.0.mlp.fc2.bias [64]",
        "post_layernorm.weight [64]",
        "post_layernorm.bias [64]",
    ];

    private static readonly string[] WhisperOneLayer =
    [
        "conv1.weight [64, 40, 3]",
        "conv1.bias [64]",
        "conv2.weight [64, 64, 3]",
        "conv2.bias [64]",
        "embed_positions.weight [25, 64]",
        "layers.0.self_attn_layer_norm.weight [64]",
        "layers.0.self_attn_layer_norm.bias [64]",
        "layers.0.self_attn.q_proj.weight [64, 64]",
        "layers.0.self_attn.q_proj.bias [64]",
        "layers.0.self_attn.k_proj.weight [64, 64]",
        "layers.0.self_attn.v_proj.weight [64, 64]",
        "layers.0.self_attn.v_proj.bias [64]",
        "layers.0.self_attn.out_proj.weight [64, 64]",
        "layers.0.self_attn.out_proj.bias [64]",
        "layers.0.final_layer_norm.weight [64]",
        "layers.0.final_layer_norm.bias [64]",
        "layers.0.fc1.weight [256, 64]",
        "layers.0.fc1.bias [256]",
        "layers.0.fc2.weight [64, 256]",
        "layers.0.fc2.bias [64]",
        "layer_norm.weight [64]",
        "layer_norm.bias [64]",
    ];

    [Fact]
    public void Vision_state_dict_uses_hugging_face_clip_vision_names()
    {
        using var meta = new MetaDefaultDevice();
        using var encoder = new VisionEncoderFactory().Create(new VisionEncoderOptions { Layers = 1 }, new EncoderBuildContext("vision", META, 1));

        Describe(encoder).Should().Equal(ClipVisionOneLayer);
        encoder.Module.parameters().Should().OnlyContain(p => p.device_type == TorchSharp.DeviceType.META);
    }

    [Fact]
    public void Audio_state_dict_uses_hugging_face_whisper_encoder_names_without_the_front_end_buffers()
    {
        using var meta = new MetaDefaultDevice();
        using var encoder = new AudioEncoderFactory().Create(new AudioEncoderOptions { Layers = 1 }, new EncoderBuildContext("audio", META, 1));

        Describe(encoder).Should().Equal(WhisperOneLayer);
    }

    [Fact]
    public void A_meta_default_device_wins_over_the_requested_device_so_counting_allocates_nothing()
    {
        using var meta = new MetaDefaultDevice();
        using var encoder = new AudioEncoderFactory().Create(new AudioEncoderOptions { Layers = 1 }, new EncoderBuildContext("audio", CPU, 1));

        encoder.Module.state_dict().Values.Should().OnlyContain(t => t.device_type == TorchSharp.DeviceType.META);
    }

    private static List<string> Describe(IEncoder encoder) =>
        encoder.Module.state_dict().Select(kv => $"{kv.Key} [{string.Join(", ", kv.Value.shape)}]").ToList();
}
