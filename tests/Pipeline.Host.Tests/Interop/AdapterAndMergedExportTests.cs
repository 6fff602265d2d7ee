using System.Text.Json;
using Pipeline.Contracts.Adapters;
using Pipeline.Host.Cli;
using Pipeline.Host.Config.Binding;
using Pipeline.Host.Interop;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Tests.Cli;
using Pipeline.Host.Tests.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Interop;

/// <summary><c>pipeline export --format adapters</c> and <c>--format merged</c>: what they write and that it reads back.</summary>
public sealed class AdapterAndMergedExportTests
{
    private static (int ExitCode, string Output, string Error) Export(TrainedRun run, params string[] arguments) =>
        ConsoleCapture.Run(["export", run.ConfigPath, .. arguments, .. run.SetArguments()]);

    [Fact]
    public void The_adapters_format_holds_every_adapter_tensor_under_its_model_key_and_reads_back()
    {
        using var run = new TrainedRun(TinyPipeline.Yaml);
        string output = run.ExportDirectory("adapters");

        var (exitCode, _, error) = Export(run, "--out", output, "--format", "adapters", "--dtype", "f32");

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        string[] keys =
        [
            "llm.model.layers.0.self_attn.q_proj.lora.lora_A.weight", "llm.model.layers.0.self_attn.q_proj.lora.lora_B.weight",
            "llm.model.layers.0.self_attn.v_proj.lora.lora_A.weight", "llm.model.layers.0.self_attn.v_proj.lora.lora_B.weight",
        ];
        using (var file = SafetensorsFile.Open(Path.Combine(output, "adapter_model.safetensors")))
            file.Entries.Keys.Should().BeEquivalentTo(keys);
        using (var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "pipeline_adapter.json"))))
        {
            var root = manifest.RootElement;
            root.GetProperty("format").GetString().Should().Be("pipeline-adapters");
            root.GetProperty("format_version").GetInt32().Should().Be(1);
            var adapter = root.GetProperty("adapters").EnumerateArray().Should().ContainSingle().Subject;
            adapter.GetProperty("name").GetString().Should().Be("lora");
            adapter.GetProperty("plugin").GetString().Should().Be("lora");
            adapter.GetProperty("can_merge").GetBoolean().Should().BeTrue();
            JsonSerializer.Serialize(adapter.GetProperty("options")).Should().Be(
                """{"alpha":8,"dropout":0,"rank":4,"targets":{"llm":["q_proj","v_proj"]}}""");
            adapter.GetProperty("sites").EnumerateArray().Select(s => s.GetString())
                .Should().Equal("llm:model.layers.0.self_attn.q_proj", "llm:model.layers.0.self_attn.v_proj");
            adapter.GetProperty("tensors").GetProperty(keys[3]).EnumerateArray().Select(d => d.GetInt64()).Should().Equal(16, 4);
        }

        var definition = PipelineLoader.Load(run.ConfigPath, run.Overrides);
        using var fresh = ModelFactory.Build(definition, TinyModels.Vocabulary, CPU);
        fresh.Model.eval();
        PipelineAdapterExporter.Read(fresh, definition, output).Should().BeEquivalentTo(keys);
        using var logits = TinyModels.LlmLogits(fresh);
        TinyModels.Identical(logits, run.LlmLogits).Should().BeTrue();
    }

    [Theory]
    [InlineData("5GB", false)]
    [InlineData("20KB", true)]
    public void A_merged_export_loads_back_as_the_base_decoder_with_the_adapted_outputs(string maxShardSize, bool sharded)
    {
        using var run = new TrainedRun(TinyPipeline.Yaml);
        string output = run.ExportDirectory("merged");

        var (exitCode, _, error) = Export(run, "--out", output, "--format", "merged", "--max-shard-size", maxShardSize);

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        File.Exists(Path.Combine(output, "model.safetensors.index.json")).Should().Be(sharded);
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "config.json"))))
        {
            var root = config.RootElement;
            root.GetProperty("architectures")[0].GetString().Should().Be("LlamaForCausalLM");
            (root.GetProperty("hidden_size").GetInt32(), root.GetProperty("num_hidden_layers").GetInt32(),
                root.GetProperty("num_key_value_heads").GetInt32(), root.GetProperty("vocab_size").GetInt32()).Should().Be((32, 1, 1, 40));
            root.GetProperty("torch_dtype").GetString().Should().Be("float32");
        }
        using (var checkpoint = SafetensorsCheckpoint.Open(output))
            checkpoint.Entries.Keys.Should().Contain(["model.layers.0.self_attn.q_proj.weight", "lm_head.weight", "model.norm.weight"])
                .And.NotContain(k => k.Contains("lora"));

        using var merged = TinyModels.Build(run.ConfigPath, $"model.weights.llm.path={output}", "model.adapters=[]");
        using var logits = TinyModels.LlmLogits(merged);
        allclose(logits, run.LlmLogits, rtol: 1e-4, atol: 1e-5).Should().BeTrue("merging folds (alpha / r) B A into W");
        TinyModels.Identical(logits, run.LlmLogits).Should().BeFalse("W + BA differs from W x + B A x by float rounding; the comparison must not be vacuous");
    }

    [Fact]
    public void An_adapter_that_cannot_merge_is_named_with_the_reason()
    {
        using var pipeline = new TinyPipeline();
        using var built = TinyModels.Build(pipeline.ConfigPath);
        var withRouter = built with { Adapters = [.. built.Adapters, new RoutedAdapter()] };

        var act = () => MergedLlamaExporter.Write(withRouter, name => name == "router" ? "mole" : "lora", null,
            Path.Combine(pipeline.Directory, "merged"), _ => { });

        act.Should().Throw<ConfigException>().Which.Message.Should().Be(
            "--format: adapter 'router' (plugin mole) cannot be merged into the decoder's weights: its plugin reports that its output is " +
            "not a fixed weight delta on each projection (CanMerge is false, as for token-routed experts, gates and learned prefixes, " +
            "which depend on the input); export it with --format adapters");
        Directory.Exists(Path.Combine(pipeline.Directory, "merged")).Should().BeFalse();
        built.Adapters.Single().Should().Match<IAdapter>(a => a.CanMerge, "the LoRA adapter was never merged");
    }

    [Fact]
    public void Export_errors_name_the_option_and_exit_with_2_or_1()
    {
        using var run = new TrainedRun(TinyPipeline.Yaml);
        string full = run.ExportDirectory("full");
        Directory.CreateDirectory(full);
        File.WriteAllText(Path.Combine(full, "keep.txt"), "");

        Export(run, "--out", full).Should().Be((2, "", $"--out: '{full}' exists and is not an empty directory; export into a new or empty one\n"));
        Export(run, "--out", Path.Combine(full, "keep.txt")).Should().Be((2, "", $"--out: '{Path.Combine(full, "keep.txt")}' is a file; export into a new or empty directory\n"));
        Export(run, "--out", run.ExportDirectory("a"), "--adapter", "lroa").Should().Be((2, "", "--adapter: no adapter 'lroa'; the model has: lora\n"));
        Export(run, "--out", run.ExportDirectory("b"), "--format", "merged", "--adapter", "lora")
            .Should().Be((2, "", "--adapter: does not apply to --format merged, which merges every adapter on the decoder\n"));
        Export(run, "--out", run.ExportDirectory("c"), "--format", "merged", "--max-shard-size", "lots")
            .Should().Be((2, "", "--max-shard-size: expected a size such as 5GB, 500MB or 2GiB, got 'lots'\n"));
        var missing = Export(run, "--out", run.ExportDirectory("d"), "--checkpoint", Path.Combine(run.Pipeline.Directory, "nowhere"));
        missing.ExitCode.Should().Be(CommandErrors.RunError);
        missing.Error.Should().StartWith($"error: '{Path.Combine(run.Pipeline.Directory, "nowhere")}' is not a checkpoint");
    }

    [Fact]
    public void With_several_adapters_peft_needs_the_one_to_write()
    {
        string yaml = TinyPipeline.Yaml.Replace("""
                  llm: [q_proj, v_proj]
        """, """
                  llm: [q_proj, v_proj]
            - plugin: lora
              name: second
              options: { rank: 2, targets: { llm: [o_proj] } }
        """);
        using var run = new TrainedRun(yaml);

        Export(run, "--out", run.ExportDirectory("a")).Should().Be((2, "",
            "--adapter: the model has 2 adapters (lora, second); name the one to write in PEFT's format\n"));
        var (exitCode, _, error) = Export(run, "--out", run.ExportDirectory("b"), "--adapter", "second");
        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.ExportDirectory("b"), "llm", "adapter_config.json")));
        (config.RootElement.GetProperty("r").GetInt32(), config.RootElement.GetProperty("lora_alpha").GetInt32()).Should().Be((2, 16));
        config.RootElement.GetProperty("target_modules").EnumerateArray().Select(t => t.GetString()).Should().Equal("o_proj");
    }

    [Fact]
    public void Export_help_lists_the_formats_and_options()
    {
        var (exitCode, output, _) = ConsoleCapture.Run("export", "--help");

        exitCode.Should().Be(0);
        output.Should().Contain("export <file> [options]")
            .And.Contain("--out <DIR> (REQUIRED)")
            .And.Contain("--format <adapters|merged|peft>")
            .And.Contain("--checkpoint <PATH>")
            .And.Contain("--dtype <bf16|f16|f32>")
            .And.Contain("--max-shard-size <SIZE>");
    }

    /// <summary>A stand-in for a token-routed adapter: attached to the decoder, not mergeable.</summary>
    private sealed class RoutedAdapter : IAdapter
    {
        public string Name => "router";
        public IReadOnlyList<string> AttachedSites => ["llm:model.layers.0.mlp"];
        public bool CanMerge => false;
        public void Merge() => throw new NotSupportedException();
        public void Unmerge() => throw new NotSupportedException();
    }
}
