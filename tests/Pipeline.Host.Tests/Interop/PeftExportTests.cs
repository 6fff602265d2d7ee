using System.Text.Json;
using Pipeline.Host.Cli;
using Pipeline.Host.Interop;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Tests.Cli;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Interop;

/// <summary><c>pipeline export --format peft</c>: PEFT's key names, shapes and config, and a round trip into a fresh model.</summary>
public sealed class PeftExportTests
{
    private static (int ExitCode, string Output, string Error) Export(TrainedRun run, params string[] arguments) =>
        ConsoleCapture.Run(["export", run.ConfigPath, .. arguments, .. run.SetArguments()]);

    private static Dictionary<string, long[]> Shapes(string file)
    {
        using var opened = SafetensorsFile.Open(file);
        return opened.Entries.ToDictionary(e => e.Key, e => e.Value.Shape);
    }

    [Fact]
    public void Decoder_lora_is_written_with_peft_key_names_shapes_and_config()
    {
        using var run = new TrainedRun(TinyPipeline.Yaml);
        string output = run.ExportDirectory("peft");

        var (exitCode, stdout, error) = Export(run, "--out", output);

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        stdout.Should().Contain($"checkpoint '{run.CheckpointDirectory}': {run.Trained.Count} trained tensors loaded");
        Directory.GetFileSystemEntries(output).Should().Equal(Path.Combine(output, "llm"));
        Shapes(Path.Combine(output, "llm", "adapter_model.safetensors")).Should().BeEquivalentTo(new Dictionary<string, long[]>
        {
            ["base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"] = [4, 32],
            ["base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"] = [32, 4],
            ["base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight"] = [4, 32],
            ["base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight"] = [16, 4],
        });
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "llm", "adapter_config.json")));
        var root = config.RootElement;
        root.GetProperty("peft_type").GetString().Should().Be("LORA");
        root.GetProperty("task_type").GetString().Should().Be("CAUSAL_LM");
        root.GetProperty("r").GetInt32().Should().Be(4);
        root.GetProperty("lora_alpha").GetRawText().Should().Be("8");
        root.GetProperty("lora_dropout").GetDouble().Should().Be(0);
        root.GetProperty("target_modules").EnumerateArray().Select(t => t.GetString()).Should().Equal("q_proj", "v_proj");
        root.GetProperty("bias").GetString().Should().Be("none");
        root.GetProperty("fan_in_fan_out").GetBoolean().Should().BeFalse();
        root.GetProperty("use_rslora").GetBoolean().Should().BeFalse();
        root.GetProperty("base_model_name_or_path").ValueKind.Should().Be(JsonValueKind.Null);
        root.EnumerateObject().Select(p => p.Name).Should().BeInAscendingOrder(StringComparer.Ordinal, "PEFT writes its config with sorted keys");
    }

    [Fact]
    public void The_peft_adapter_read_into_a_fresh_model_gives_the_trained_outputs()
    {
        using var run = new TrainedRun(TinyPipeline.Yaml);
        string output = run.ExportDirectory("peft");
        Export(run, "--out", output).ExitCode.Should().Be(0);

        using var fresh = TinyModels.Build(run.ConfigPath);
        using var before = TinyModels.LlmLogits(fresh);
        int read = PeftLoraImporter.Load(fresh, "lora", "llm", Path.Combine(output, "llm"));
        using var after = TinyModels.LlmLogits(fresh);

        read.Should().Be(4);
        TinyModels.Identical(before, run.LlmLogits).Should().BeFalse("the fresh LoRA adapter is an identity");
        TinyModels.Identical(after, run.LlmLogits).Should().BeTrue();
    }

    [Fact]
    public void Encoder_lora_gets_a_directory_of_its_own_under_the_hugging_face_prefix()
    {
        using var run = new TrainedRun(TinyPipeline.Yaml, "model.adapters.0.options.targets.vision=[q_proj]");
        string output = run.ExportDirectory("peft");

        var (exitCode, _, error) = Export(run, "--out", output, "--base-model", "openai/clip-vit-base-patch32");

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        Directory.GetFileSystemEntries(output).Order().Should().Equal(Path.Combine(output, "llm"), Path.Combine(output, "vision"));
        Shapes(Path.Combine(output, "vision", "adapter_model.safetensors")).Keys.Should().BeEquivalentTo(
            "base_model.model.vision_model.encoder.layers.0.self_attn.q_proj.lora_A.weight",
            "base_model.model.vision_model.encoder.layers.0.self_attn.q_proj.lora_B.weight");
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "vision", "adapter_config.json")));
        config.RootElement.GetProperty("target_modules").EnumerateArray().Select(t => t.GetString())
            .Should().Equal("vision_model.encoder.layers.0.self_attn.q_proj");
        config.RootElement.GetProperty("task_type").ValueKind.Should().Be(JsonValueKind.Null);
        config.RootElement.GetProperty("base_model_name_or_path").GetString().Should().Be("openai/clip-vit-base-patch32");

        using var fresh = TinyModels.Build(run.ConfigPath, run.Overrides[1..]);
        PeftLoraImporter.Load(fresh, "lora", "vision", Path.Combine(output, "vision"));
        using var features = TinyModels.VisionFeatures(fresh);
        TinyModels.Identical(features, run.VisionFeatures).Should().BeTrue();
    }

    [Fact]
    public void Targets_that_select_only_some_layers_are_listed_by_full_module_name()
    {
        string yaml = TinyPipeline.Yaml.Replace("layers: 1, heads: 2, kv_heads: 1", "layers: 2, heads: 2, kv_heads: 1")
            .Replace("llm: [q_proj, v_proj]", "llm: [model.layers.1.self_attn.q_proj]");
        using var run = new TrainedRun(yaml);
        string output = run.ExportDirectory("peft");

        Export(run, "--out", output).ExitCode.Should().Be(0);

        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "llm", "adapter_config.json")));
        config.RootElement.GetProperty("target_modules").EnumerateArray().Select(t => t.GetString())
            .Should().Equal("model.layers.1.self_attn.q_proj");
    }
}
