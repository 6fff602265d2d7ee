using System.Text.Json.Nodes;
using Pipeline.Host.Config.Binding;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Tests.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Interop;

/// <summary>
/// Full CLIP and Whisper checkpoints (written from the tiny encoders under Hugging Face prefixes, with a text tower
/// or decoder beside them) load into the encoders: the other parts are skipped as unused, outputs are equal.
/// </summary>
public sealed class HuggingFaceEncoderLoadingTests
{
    private static JsonObject ClipConfig(int hiddenSize = 32, int patchSize = 8) => new()
    {
        ["architectures"] = new JsonArray("CLIPModel"),
        ["model_type"] = "clip",
        ["text_config"] = new JsonObject { ["model_type"] = "clip_text_model", ["hidden_size"] = 16 },
        ["vision_config"] = new JsonObject
        {
            ["model_type"] = "clip_vision_model", ["hidden_size"] = hiddenSize, ["intermediate_size"] = 128, ["num_hidden_layers"] = 1,
            ["num_attention_heads"] = 2, ["image_size"] = 16, ["patch_size"] = patchSize, ["hidden_act"] = "quick_gelu", ["layer_norm_eps"] = 1e-5,
        },
    };

    private static JsonObject WhisperConfig() => new()
    {
        ["architectures"] = new JsonArray("WhisperForConditionalGeneration"),
        ["model_type"] = "whisper",
        ["d_model"] = 32, ["encoder_layers"] = 1, ["encoder_attention_heads"] = 2, ["encoder_ffn_dim"] = 128,
        ["num_mel_bins"] = 20, ["max_source_positions"] = 25, ["activation_function"] = "gelu",
        ["decoder_layers"] = 1,
    };

    private static void Write(string directory, BuiltModel source, string component, string prefix, JsonObject config,
        IEnumerable<(string Name, Tensor Tensor)> otherParts, SafetensorsDType? floatType = null)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "config.json"), config.ToJsonString());
        var tensors = source.Model.Encoders[component].Module.state_dict().Select(kv => (prefix + kv.Key, kv.Value)).Concat(otherParts).ToList();
        SafetensorsCheckpoint.Write(directory, tensors, floatType: floatType);
    }

    [Fact]
    public void A_clip_model_checkpoint_loads_its_vision_tower_and_skips_the_text_tower()
    {
        using var pipeline = new TinyPipeline(TinyModels.WithWeights(("vision", "{ path: clip }")));
        string clip = Path.Combine(pipeline.Directory, "clip");
        using var source = TinyModels.Build(pipeline.ConfigPath, "model.weights={}");
        TinyModels.RoundTo(source, "vision", ScalarType.Float16);
        Write(clip, source, "vision", "vision_model.", ClipConfig(),
        [
            ("text_model.encoder.layers.0.self_attn.q_proj.weight", zeros(16, 16)),
            ("vision_model.embeddings.position_ids", arange(5L).unsqueeze(0)),
            ("logit_scale", tensor(2.6592f)),
            ("visual_projection.weight", zeros(8, 32)),
        ], SafetensorsDType.F16);
        using var expected = TinyModels.VisionFeatures(source);

        using var loaded = TinyModels.Build(pipeline.ConfigPath, "run.seed=4");
        using var features = TinyModels.VisionFeatures(loaded);

        TinyModels.Identical(features, expected).Should().BeTrue();
        var report = loaded.LoadedWeights.Single();
        report.Prefix.Should().Be("vision_model.");
        report.Unused.Should().Equal("logit_scale", "text_model.encoder.layers.0.self_attn.q_proj.weight",
            "vision_model.embeddings.position_ids", "visual_projection.weight");
        (report.Missing.Count, report.Unexpected.Count).Should().Be((0, 0));
        report.ConvertedFrom.Should().Equal("F16");
    }

    [Fact]
    public void A_llava_style_vision_tower_prefix_is_found()
    {
        using var pipeline = new TinyPipeline(TinyModels.WithWeights(("vision", "{ path: llava }")));
        string llava = Path.Combine(pipeline.Directory, "llava");
        using var source = TinyModels.Build(pipeline.ConfigPath, "model.weights={}");
        Write(llava, source, "vision", "model.vision_tower.vision_model.", ClipConfig(),
            [("model.language_model.layers.0.mlp.up_proj.weight", zeros(4, 4)), ("model.multi_modal_projector.linear_1.weight", zeros(4, 4))]);
        using var expected = TinyModels.VisionFeatures(source);

        using var loaded = TinyModels.Build(pipeline.ConfigPath, "run.seed=4");
        using var features = TinyModels.VisionFeatures(loaded);

        TinyModels.Identical(features, expected).Should().BeTrue();
        loaded.LoadedWeights.Single().Prefix.Should().Be("model.vision_tower.vision_model.");
        loaded.LoadedWeights.Single().Unused.Should().HaveCount(2);
    }

    [Fact]
    public void A_whisper_checkpoint_loads_its_encoder_and_skips_the_decoder()
    {
        using var pipeline = new TinyPipeline(TinyModels.WithWeights(("audio", "{ path: whisper }")));
        string whisper = Path.Combine(pipeline.Directory, "whisper");
        using var source = TinyModels.Build(pipeline.ConfigPath, "model.weights={}");
        TinyModels.RoundTo(source, "audio", ScalarType.BFloat16);
        Write(whisper, source, "audio", "model.encoder.", WhisperConfig(),
            [("model.decoder.layers.0.fc1.weight", zeros(8, 32)), ("model.decoder.embed_positions.weight", zeros(4, 32)), ("proj_out.weight", zeros(10, 32))],
            SafetensorsDType.BF16);
        using var expected = TinyModels.AudioFeatures(source);

        using var loaded = TinyModels.Build(pipeline.ConfigPath, "run.seed=4");
        using var features = TinyModels.AudioFeatures(loaded);

        TinyModels.Identical(features, expected).Should().BeTrue();
        var report = loaded.LoadedWeights.Single();
        report.Prefix.Should().Be("model.encoder.");
        report.Unused.Should().Equal("model.decoder.embed_positions.weight", "model.decoder.layers.0.fc1.weight", "proj_out.weight");
        report.ConvertedFrom.Should().Equal("BF16");
    }

    [Fact]
    public void Vision_dimensions_that_differ_from_config_json_are_all_listed()
    {
        using var pipeline = new TinyPipeline(TinyModels.WithWeights(("vision", "{ path: clip }")));
        string clip = Path.Combine(pipeline.Directory, "clip");
        using var source = TinyModels.Build(pipeline.ConfigPath, "model.weights={}");
        Write(clip, source, "vision", "vision_model.", ClipConfig(hiddenSize: 48, patchSize: 14), []);

        var act = () => TinyModels.Build(pipeline.ConfigPath);

        act.Should().Throw<ConfigException>().Which.Message.Should().Be(
            $"{pipeline.ConfigPath}:8:21: model.weights.vision: '{Path.Combine(clip, "config.json")}' does not match model.encoders.vision.options:\n" +
            "  hidden_size is 48 in config.json, but width is 32\n" +
            "  patch_size is 14 in config.json, but patch_size is 8");
    }

    [Fact]
    public void A_shape_that_differs_is_an_error_even_without_strict()
    {
        using var pipeline = new TinyPipeline(TinyModels.WithWeights(("audio", "{ path: whisper, strict: false }")));
        string whisper = Path.Combine(pipeline.Directory, "whisper");
        using var source = TinyModels.Build(pipeline.ConfigPath, "model.weights={}");
        var tensors = source.Model.Encoders["audio"].Module.state_dict()
            .Select(kv => ("model.encoder." + kv.Key, kv.Key == "layer_norm.bias" ? zeros(31) : kv.Value)).ToList();
        Directory.CreateDirectory(whisper);
        File.WriteAllText(Path.Combine(whisper, "config.json"), WhisperConfig().ToJsonString());
        SafetensorsCheckpoint.Write(whisper, tensors);

        var act = () => TinyModels.Build(pipeline.ConfigPath);

        act.Should().Throw<ConfigException>().Which.Message.Should().Be(
            $"{pipeline.ConfigPath}:8:20: model.weights.audio: '{whisper}' does not fit component 'audio' (tensors under 'model.encoder.'):\n" +
            "  shape: model.encoder.layer_norm.bias is [31] in the checkpoint, layer_norm.bias is [32] in the model");
    }
}
