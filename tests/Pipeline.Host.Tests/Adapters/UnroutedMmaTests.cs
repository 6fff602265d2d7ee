using System.Text.Json;
using System.Text.RegularExpressions;
using Pipeline.Host.Cli;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Cli;
using Pipeline.Host.Tests.Composition;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Adapters;

/// <summary>The <c>mma</c> plugin with <c>routing: false</c> (the ablation of routing) inside the real model, from YAML.</summary>
public sealed class UnroutedMmaTests
{
    /// <summary><see cref="MmaModel.Yaml"/> with <c>routing: false</c> added to the adapter's options.</summary>
    public static readonly string Yaml = WithOption("routing: false");

    private static string WithOption(string option)
    {
        const string dropout = "\n        dropout: 0.0\n";
        MmaModel.Yaml.Should().Contain(dropout, "the option is added under the adapter's dropout");
        return MmaModel.Yaml.Replace(dropout, $"{dropout}        {option}\n");
    }

    /// <summary>The number cells of the <c>params</c> output row labelled <paramref name="label"/>.</summary>
    private static string[] Row(string output, string label) =>
        output.Split('\n').Select(line => Regex.Match(line.TrimEnd(), $@"^\s*{Regex.Escape(label)}((\s+[\d,]+)+)$"))
            .Where(m => m.Success).Select(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Single();

    [Fact]
    public void A_fresh_unrouted_adapter_leaves_the_logits_of_a_mixed_batch_exactly_unchanged()
    {
        using var plain = new MmaModel(withMma: false);
        using var adapted = new MmaModel(yaml: Yaml);

        using var before = plain.Logits();
        using var after = adapted.Logits();

        after.shape.Should().Equal(before.shape, "without a modality token no position is prepended");
        after.data<float>().ToArray().Should().Equal(before.data<float>().ToArray(), "Z + s * 0 is Z");
    }

    [Fact]
    public void Only_the_single_path_parameters_exist_and_they_train_with_adapters()
    {
        using var mma = new MmaModel(yaml: Yaml);
        var shapes = mma.Model.named_parameters().ToDictionary(p => p.name, p => string.Join(" x ", p.parameter.shape));

        shapes.Keys.Where(k => k.Contains(".mma.")).Select(k => k[(k.IndexOf(".mma.", StringComparison.Ordinal) + 5)..]).Distinct()
            .Should().BeEquivalentTo("down_proj.weight", "down_proj.bias", "up_proj_0.weight", "up_proj_0.bias");
        shapes.Should().Contain(new Dictionary<string, string>
        {
            ["llm.model.layers.1.attn_input.mma.up_proj_0.weight"] = "32 x 4",
            ["encoders.vision.encoder.layers.1.attn_input.mma.down_proj.weight"] = "8 x 32",
            ["encoders.audio.layers.0.attn_input.mma.up_proj_0.bias"] = "32",
        });
        shapes.Keys.Should().NotContain(k => k.Contains("modality_embedding"), "no router reads a modality token");

        var trainable = mma.Built.Inventory.Select(["adapters", "projectors"], ["vision", "audio"]);
        const int block = 13 * 32 + 8, projector = 32 * 16 + 16 + 16 * 32 + 32;
        trainable.Sum(p => p.Parameter.numel()).Should().Be(6 * block + 2 * projector, "2 LLM + 2 vision + 2 audio blocks and 2 projectors");
    }

    [Fact]
    public void Asking_for_the_modality_token_without_routing_is_a_configuration_error_at_the_key()
    {
        using var pipeline = new TinyPipeline(WithOption("routing: false\n        modality_token: true"));

        var (exitCode, _, error) = ConsoleCapture.Run("validate", pipeline.ConfigPath, "--no-data");

        exitCode.Should().Be(CommandErrors.ConfigurationError);
        error.Trim().Should().Be($"{pipeline.ConfigPath}:17:25: model.adapters[0].options.modality_token: " +
            "must be false with routing: false: the token acts only through the routers");
    }

    [Fact]
    public void Params_counts_13C_plus_8_per_block_and_no_modality_token_for_LaVIN_7B_without_routing()
    {
        string example = Path.Combine(SamplePluginBuild.RepositoryRoot(), "examples", "lavin-7b.yaml");

        var (exitCode, output, error) = ConsoleCapture.Run("params", example, "--set", "model.adapters.0.options.routing=false");

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        // docs/adapters/mma.md: L (13C + 8) in the LLM, 24 (13 * 1024 + 8) in ViT-L/14, the projector 659,584, no E_m.
        Row(output, "in llm").Should().Equal("1,704,192", "1,704,192");
        Row(output, "in vision").Should().Equal("319,680", "319,680");
        Row(output, "projector vision").Should().Equal("659,584", "659,584");
        Row(output, "total").Should().EndWith("2,683,456");
    }
}
