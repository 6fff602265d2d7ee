using Pipeline.Host.Config.Binding;
using Pipeline.Host.Interop;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Tests.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Interop;

/// <summary>
/// A Hugging Face LLaMA directory written from one tiny decoder loads into a decoder built with another seed, in
/// every stored type and sharded; mismatches are reported exactly.
/// </summary>
public sealed class HuggingFaceLlamaLoadingTests
{
    private static readonly string Yaml = TinyModels.WithWeights(("llm", "{ path: hf }"));

    public static TheoryData<string, long> Variants => new()
    {
        { "F32", long.MaxValue },
        { "F16", long.MaxValue },
        { "BF16", long.MaxValue },
        { "BF16", 4000 },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void A_directory_written_from_one_model_loads_into_another_and_the_outputs_are_equal(string stored, long maxShardBytes)
    {
        using var pipeline = new TinyPipeline(Yaml);
        string hf = Path.Combine(pipeline.Directory, "hf");
        var type = Enum.Parse<SafetensorsDType>(stored);
        using var source = TinyModels.Build(pipeline.ConfigPath, "model.weights={}");
        TinyModels.RoundTo(source, "llm", SafetensorsDTypes.ToScalarType(type));
        TinyModels.WriteLlama(hf, source, TinyModels.LlamaTensors(source), floatType: type, maxShardBytes: maxShardBytes);
        using var expected = TinyModels.LlmLogits(source);

        using var fresh = TinyModels.Build(pipeline.ConfigPath, "model.weights={}", "run.seed=4");
        using var loaded = TinyModels.Build(pipeline.ConfigPath, "run.seed=4");
        using var freshLogits = TinyModels.LlmLogits(fresh);
        using var logits = TinyModels.LlmLogits(loaded);

        TinyModels.Identical(freshLogits, expected).Should().BeFalse("another seed gives other weights");
        TinyModels.Identical(logits, expected).Should().BeTrue("the loaded decoder holds the written weights, and the fresh LoRA adapter is an identity");
        var report = loaded.LoadedWeights.Should().ContainSingle().Subject;
        report.Loaded.Should().HaveCount(TinyModels.LlamaTensors(source).Count);
        (report.Missing.Count, report.Unexpected.Count, report.Unused.Count).Should().Be((0, 0, 0));
        report.ConvertedFrom.Should().Equal(stored == "F32" ? [] : [stored]);
        if (maxShardBytes < long.MaxValue) File.Exists(Path.Combine(hf, "model.safetensors.index.json")).Should().BeTrue();
    }

    [Fact]
    public void A_missing_and_an_unexpected_tensor_are_listed_exactly()
    {
        using var pipeline = new TinyPipeline(Yaml);
        string hf = Path.Combine(pipeline.Directory, "hf");
        using var source = TinyModels.Build(pipeline.ConfigPath, "model.weights={}");
        var tensors = TinyModels.LlamaTensors(source).Where(t => t.Name != "model.norm.weight").ToList();
        tensors.Add(("model.extra.weight", ones(3)));
        TinyModels.WriteLlama(hf, source, tensors);

        var act = () => TinyModels.Build(pipeline.ConfigPath);

        act.Should().Throw<ConfigException>().Which.Message.Should().Be(
            $"{pipeline.ConfigPath}:8:18: model.weights.llm: '{hf}' does not fit component 'llm':\n" +
            "  missing: model.norm.weight\n" +
            "  unexpected: model.extra.weight\n" +
            "  (set strict: false to load it anyway: missing tensors keep their initialisation, unexpected ones are ignored)");
    }

    [Fact]
    public void Without_strict_the_rest_loads_and_the_report_lists_what_was_missing_and_unexpected()
    {
        using var pipeline = new TinyPipeline(TinyModels.WithWeights(("llm", "{ path: hf, strict: false }")));
        string hf = Path.Combine(pipeline.Directory, "hf");
        using var source = TinyModels.Build(pipeline.ConfigPath, "model.weights={}");
        var tensors = TinyModels.LlamaTensors(source).Where(t => t.Name != "model.norm.weight").ToList();
        tensors.Add(("model.extra.weight", ones(3)));
        TinyModels.WriteLlama(hf, source, tensors);

        using var loaded = TinyModels.Build(pipeline.ConfigPath, "run.seed=4");

        var report = loaded.LoadedWeights.Single();
        report.Missing.Should().Equal("model.norm.weight");
        report.Unexpected.Should().Equal("model.extra.weight");
        report.Loaded.Should().HaveCount(tensors.Count - 1);
        report.Describe().Should().Contain([
            "weights llm: missing, kept as initialised: model.norm.weight",
            "weights llm: unexpected, ignored: model.extra.weight",
        ]);
        using var norm = loaded.Model.Llm.state_dict()["model.norm.weight"].clone();
        TinyModels.Identical(norm, ones(32)).Should().BeTrue("a missing RMSNorm weight keeps its initialisation");
    }

    [Fact]
    public void Dimensions_that_differ_from_config_json_are_all_listed()
    {
        using var pipeline = new TinyPipeline(Yaml);
        string hf = Path.Combine(pipeline.Directory, "hf");
        using var source = TinyModels.Build(pipeline.ConfigPath, "model.weights={}");
        TinyModels.WriteLlama(hf, source, TinyModels.LlamaTensors(source), config =>
        {
            config["hidden_size"] = 48;
            config["num_hidden_layers"] = 3;
            config["num_key_value_heads"] = 2;
            config["rope_scaling"] = new System.Text.Json.Nodes.JsonObject { ["rope_type"] = "linear", ["factor"] = 2.0 };
        });

        var act = () => TinyModels.Build(pipeline.ConfigPath);

        act.Should().Throw<ConfigException>().Which.Message.Should().Be(
            $"{pipeline.ConfigPath}:8:18: model.weights.llm: '{Path.Combine(hf, "config.json")}' does not match model.llm:\n" +
            "  hidden_size is 48 in config.json, but hidden_size is 32\n" +
            "  num_hidden_layers is 3 in config.json, but layers is 1\n" +
            "  num_key_value_heads is 2 in config.json, but kv_heads is 1\n" +
            "  rope_scaling is {\"rope_type\":\"linear\",\"factor\":2} in config.json, but the decoder implements unscaled rotary embeddings (rope_type \"default\")");
    }

    [Fact]
    public void Vocabulary_size_0_takes_config_json_and_tied_embeddings_fill_the_output_layer()
    {
        using var pipeline = new TinyPipeline(Yaml);
        string hf = Path.Combine(pipeline.Directory, "hf");
        using var source = TinyModels.Build(pipeline.ConfigPath, "model.weights={}", "model.llm.vocab_size=50");
        var tensors = TinyModels.LlamaTensors(source).Where(t => t.Name != "lm_head.weight").ToList();
        TinyModels.WriteLlama(hf, source, tensors, config => config["tie_word_embeddings"] = true);

        using var loaded = ModelFactory.Build(PipelineLoader.Load(pipeline.ConfigPath), TinyModels.Vocabulary, CPU);

        loaded.Model.Llm.Options.VocabSize.Should().Be(50);
        var report = loaded.LoadedWeights.Single();
        report.Tied.Should().Equal("lm_head.weight");
        var state = loaded.Model.Llm.state_dict();
        TinyModels.Identical(state["lm_head.weight"], state["model.embed_tokens.weight"]).Should().BeTrue();
    }

    [Fact]
    public void On_the_meta_device_names_and_shapes_are_checked_without_reading()
    {
        using var pipeline = new TinyPipeline(Yaml);
        string hf = Path.Combine(pipeline.Directory, "hf");
        using var source = TinyModels.Build(pipeline.ConfigPath, "model.weights={}");
        TinyModels.WriteLlama(hf, source, TinyModels.LlamaTensors(source));

        using var meta = ModelFactory.Build(PipelineLoader.Load(pipeline.ConfigPath, ["model.llm.vocab_size=40"]), TinyModels.Vocabulary, META);

        meta.LoadedWeights.Single().TensorsRead.Should().BeFalse();
        meta.LoadedWeights.Single().Loaded.Should().HaveCount(TinyModels.LlamaTensors(source).Count);
    }

    [Fact]
    public void Validate_checks_the_weights_and_names_them_in_its_summary()
    {
        using var pipeline = new TinyPipeline(Yaml);
        string hf = Path.Combine(pipeline.Directory, "hf");
        using (var source = TinyModels.Build(pipeline.ConfigPath, "model.weights={}"))
            TinyModels.WriteLlama(hf, source, TinyModels.LlamaTensors(source));

        // The tiny weights' 40-token vocabulary does not fit the synthetic data's words: only the weights are checked here.
        var (exitCode, output, error) = Cli.ConsoleCapture.Run("validate", pipeline.ConfigPath, "--set", "model.llm.vocab_size=40", "--no-data");

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        output.Should().Contain($"  weights  llm: 12 tensors fit, from '{hf}'");
    }

    [Fact]
    public void An_unknown_component_is_named_with_the_ones_the_model_has()
    {
        using var pipeline = new TinyPipeline(TinyModels.WithWeights(("visoin", "{ path: hf }")));

        var act = () => TinyModels.Build(pipeline.ConfigPath);

        act.Should().Throw<ConfigException>().Which.Message.Should().Be(
            $"{pipeline.ConfigPath}:8:13: model.weights: no component 'visoin'; the model has: audio, llm, vision");
    }
}
