using Pipeline.Host.Cli;
using Pipeline.Host.Tests.Composition;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Cli;

public sealed class CommandLineTests
{
    [Fact]
    public void Validate_accepts_the_tiny_pipeline_and_summarises_it()
    {
        using var pipeline = new TinyPipeline();

        var (exitCode, output, error) = ConsoleCapture.Run("validate", pipeline.ConfigPath);

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        output.Should().Contain($"{pipeline.ConfigPath}: valid")
            .And.Contain("adapter  lora: 2 sites")
            .And.Contain("stage    instruct: split train, trains [adapters, projectors], scheduler warmup_cosine");
        Directory.Exists(pipeline.OutputDirectory).Should().BeFalse("validate must not train or write outputs");
    }

    [Fact]
    public void A_configuration_error_prints_one_positioned_line_and_exits_with_2()
    {
        using var pipeline = new TinyPipeline(TinyPipeline.Yaml.Replace("rank: 4", "rank: four"));

        var (exitCode, _, error) = ConsoleCapture.Run("validate", pipeline.ConfigPath);

        exitCode.Should().Be(CommandErrors.ConfigurationError);
        error.Trim().Should().Be($"{pipeline.ConfigPath}:18:15: model.adapters[0].options.rank: expected an integer, got 'four'");
    }

    [Fact]
    public void Set_overrides_reach_validation()
    {
        using var pipeline = new TinyPipeline();

        var (exitCode, _, error) = ConsoleCapture.Run("validate", pipeline.ConfigPath, "--set", "model.llm.heads=3");

        exitCode.Should().Be(CommandErrors.ConfigurationError);
        error.Trim().Should().Be("--set model.llm.heads: model.llm.heads: must divide hidden_size (32), got 3");
    }

    [Theory]
    [InlineData("model.adapters.0.options.rank=0", "--set model.adapters.0.options.rank: model.adapters[0].options.rank: must be at least 1, got 0")]
    [InlineData("model.llm.hidden_size=30", "--set model.llm.hidden_size: model.llm.heads: hidden_size / heads must be even for rotary embeddings, got 15")]
    [InlineData("model.encoders.vision.options.patch_size=5",
        "--set model.encoders.vision.options.patch_size: model.encoders.vision.options.image_size: must be divisible by patch_size (5), got 16")]
    [InlineData("model.adapters.0.options.targets.llm=[q_proj, nope]",
        "--set model.adapters.0.options.targets.llm: adapter 'lora': target pattern 'nope' matches nothing in component 'llm'")]
    public void A_failure_an_override_causes_is_reported_at_the_override(string assignment, string message)
    {
        using var pipeline = new TinyPipeline();

        var (exitCode, _, error) = ConsoleCapture.Run("validate", pipeline.ConfigPath, "--no-data", "--set", assignment);

        exitCode.Should().Be(CommandErrors.ConfigurationError);
        error.Trim().Should().Be(message);
    }

    [Fact]
    public void A_target_pattern_that_matches_nothing_is_reported_at_the_pattern()
    {
        using var pipeline = new TinyPipeline(TinyPipeline.Yaml.Replace("llm: [q_proj, v_proj]", "llm: [q_proj, nope]"));

        var (exitCode, _, error) = ConsoleCapture.Run("validate", pipeline.ConfigPath, "--no-data");

        exitCode.Should().Be(CommandErrors.ConfigurationError);
        error.Trim().Should().Be($"{pipeline.ConfigPath}:22:25: adapter 'lora': target pattern 'nope' matches nothing in component 'llm'");
    }

    [Fact]
    public void Plugins_lists_the_built_in_plugins_with_their_assemblies()
    {
        var (exitCode, output, _) = ConsoleCapture.Run("plugins");

        exitCode.Should().Be(0);
        var rows = output.Split('\n').Select(line => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(4))).ToList();
        rows.Should().Contain([
            "encoder audio 1.0.0 Pipeline.Plugins.Encoders.dll",
            "encoder vision 1.0.0 Pipeline.Plugins.Encoders.dll",
            "adapter lora 1.0.0 Pipeline.Plugins.Adapters.dll",
            "scheduler constant 1.0.0 Pipeline.Plugins.Schedulers.dll",
            "scheduler warmup_cosine 1.0.0 Pipeline.Plugins.Schedulers.dll",
        ]);
    }
}

/// <summary>The sample third-party plugin, built against the contracts only, dropped into a folder and selected from YAML.</summary>
public sealed class ThirdPartyPluginFromYamlTests(SamplePluginBuild sample) : IClassFixture<SamplePluginBuild>
{
    [Fact]
    [Trait("Category", "Build")]
    public void A_dropped_in_adapter_is_selected_from_yaml_and_attaches()
    {
        sample.ExitCode.Should().Be(0, sample.Log);
        string yaml = TinyPipeline.Yaml
            .Replace("run:", $"plugins: [\"{sample.OutputDirectory}\"]\nrun:")
            .Replace("plugin: lora", "plugin: ia3")
            .Replace("llm: [q_proj, v_proj]", "llm: [k_proj, v_proj, up_proj]");
        yaml = string.Join('\n', yaml.Split('\n').Where(line => !line.Contains("rank: 4") && !line.Contains("alpha: 8") && !line.Contains("dropout: 0.0")));
        using var pipeline = new TinyPipeline(yaml);

        var (exitCode, output, error) = ConsoleCapture.Run("validate", pipeline.ConfigPath);

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        output.Should().Contain("adapter  ia3: 3 sites");
    }
}
