using Pipeline.Host.Config.Binding;
using Pipeline.Host.Pipelines;

namespace Pipeline.Host.Tests.Pipelines;

public sealed class PipelineLoaderTests
{
    private static string ErrorOf(string yaml, params string[] overrides)
    {
        using var pipeline = new TinyPipeline(yaml);
        var act = () => PipelineLoader.Load(pipeline.ConfigPath, overrides);
        return act.Should().Throw<ConfigException>().Which.Message.Replace(pipeline.ConfigPath, "pipeline.yaml");
    }

    [Fact]
    public void The_tiny_pipeline_loads_and_binds_every_plugin_option()
    {
        using var pipeline = new TinyPipeline();

        var definition = PipelineLoader.Load(pipeline.ConfigPath);

        definition.Encoders.Select(e => $"{e.InstanceName}:{e.PluginName}:{e.Options.GetType().Name}")
            .Should().Equal("vision:vision:VisionEncoderOptions", "audio:audio:AudioEncoderOptions");
        definition.Adapters.Single().Options.GetType().Name.Should().Be("LoraOptions");
        definition.Config.Stages[1].Scheduler.Options!.GetType().Name.Should().Be("WarmupCosineOptions");
    }

    [Fact]
    public void An_unknown_key_in_a_stage_is_reported_at_its_position()
    {
        string yaml = TinyPipeline.Yaml.Replace("    steps: 30", "    stpes: 30");

        ErrorOf(yaml).Should().Be(
            "pipeline.yaml:30:5: unknown key 'stpes' in stages[0] (did you mean 'steps'?); known keys: batch_size, beta1, beta2, clip_grad_norm, epochs, eval_every, eval_samples, evaluate, gradient_accumulation, learning_rate, name, scheduler, split, steps, trainable, weight_decay");
    }

    [Fact]
    public void An_unknown_key_in_plugin_options_lists_the_plugins_keys()
    {
        string yaml = TinyPipeline.Yaml.Replace("rank: 4", "rnak: 4");

        ErrorOf(yaml).Should().Be(
            "pipeline.yaml:18:9: unknown key 'rnak' in model.adapters[0].options (did you mean 'rank'?); known keys: alpha, dropout, rank, targets");
    }

    [Fact]
    public void An_unknown_encoder_plugin_lists_the_known_ones()
    {
        string yaml = TinyPipeline.Yaml.Replace("plugin: vision", "plugin: visoin");

        ErrorOf(yaml).Should().Be(
            "pipeline.yaml:10:15: unknown encoder 'visoin' at model.encoders.vision (did you mean 'vision'?); known encoders: audio, vision");
    }

    [Fact]
    public void An_unknown_adapter_plugin_lists_the_known_ones()
    {
        string yaml = TinyPipeline.Yaml.Replace("plugin: lora", "plugin: lorra");

        ErrorOf(yaml).Should().StartWith("pipeline.yaml:16:15: unknown adapter 'lorra' at model.adapters[0].plugin (did you mean 'lora'?); known adapters: ")
            .And.Contain("lora");
    }

    [Fact]
    public void A_wrong_type_names_the_key_and_what_was_expected()
    {
        ErrorOf(TinyPipeline.Yaml, "stages.0.steps=thirty").Should().Be("--set stages.0.steps: stages[0].steps: expected an integer, got 'thirty'");
    }

    [Fact]
    public void An_invalid_plugin_option_value_is_reported_at_the_value()
    {
        string yaml = TinyPipeline.Yaml.Replace("rank: 4", "rank: 0");

        ErrorOf(yaml).Should().Be("pipeline.yaml:18:15: model.adapters[0].options.rank: must be at least 1, got 0");
    }

    [Fact]
    public void An_unknown_trainable_group_is_a_configuration_error()
    {
        string yaml = TinyPipeline.Yaml.Replace("trainable: [adapters, projectors]", "trainable: [adapter, projectors]");

        ErrorOf(yaml).Should().Be(
            "pipeline.yaml:35:16: stages[1].trainable: unknown group 'adapter'; use llm, encoders, projectors, adapters, an encoder name (vision, audio) or an adapter name (lora)");
    }

    [Fact]
    public void A_missing_file_is_reported_without_a_position()
    {
        var act = () => PipelineLoader.Load("/nonexistent/pipeline.yaml");

        act.Should().Throw<ConfigException>().WithMessage("config file not found: /nonexistent/pipeline.yaml");
    }

    [Fact]
    public void A_lora_target_that_matches_nothing_in_its_component_is_reported_at_the_pattern()
    {
        string yaml = TinyPipeline.Yaml.Replace("llm: [q_proj, v_proj]", "llm: [fc1]");
        using var pipeline = new TinyPipeline(yaml);
        var definition = PipelineLoader.Load(pipeline.ConfigPath);

        var act = () => ModelFactory.Build(definition, 100, TorchSharp.torch.META);

        act.Should().Throw<ConfigException>().Which.Message.Replace(pipeline.ConfigPath, "pipeline.yaml").Should().Be(
            "pipeline.yaml:22:17: adapter 'lora': target pattern 'fc1' matches nothing in component 'llm' (it matches in 'vision', 'audio': scope it there)");
    }
}
