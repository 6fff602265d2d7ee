using System.Text.RegularExpressions;
using Pipeline.Contracts.Runtime;
using Pipeline.Host.Composition;
using Pipeline.Host.Config.Binding;
using Pipeline.Host.Conformance;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Composition;

/// <summary>
/// The docs/PLUGINS.md walk-through, built from the document's own code blocks, listed, validated and trained as the
/// document says, so the document cannot drift from the contracts.
/// </summary>
[Trait("Category", "Build")]
public sealed class PluginWalkthroughTests(WalkthroughPluginBuild build) : IClassFixture<WalkthroughPluginBuild>
{
    private static readonly string[] Short =
    [
        "stages.0.steps=2", "stages.0.evaluate=false", "stages.1.steps=4", "stages.1.evaluate=false", "data.synthetic.eval_per_category=1",
        "stages.1.learning_rate.llm=1.0e-2",
    ];

    /// <summary>The tiny pipeline with the walk-through's <c>adapters:</c> block (step 8) in place of its own.</summary>
    private string Yaml()
    {
        string block = Regex.Match(build.Walkthrough, @"```yaml\n(?<yaml>.*?)```", RegexOptions.Singleline).Groups["yaml"].Value;
        string adapters = block[block.IndexOf("  adapters:", StringComparison.Ordinal)..];
        return Regex.Replace(TinyPipeline.Yaml, @"^  adapters:.*?(?=^data:)", adapters, RegexOptions.Multiline | RegexOptions.Singleline);
    }

    [Fact]
    public void The_walkthrough_files_build_against_the_contracts_into_the_plugin_assembly_alone()
    {
        build.Files.Keys.Should().BeEquivalentTo("OutputBias.csproj", "OutputBiasOptions.cs", "LearnedBias.cs", "OutputBiasFactory.cs");

        build.ExitCode.Should().Be(0, build.Log);
        build.Log.Should().Contain(" 0 Warning(s)", build.Log);
        // Step 5: "Only your assembly is in the output: no contracts, no TorchSharp."
        Directory.GetFiles(build.OutputDirectory).Select(Path.GetFileName).Should().BeEquivalentTo("OutputBias.deps.json", "OutputBias.dll", "OutputBias.pdb");
    }

    [Fact]
    public void The_host_lists_the_plugin_as_step_7_shows()
    {
        var catalog = PluginCatalog.Load([build.OutputDirectory]);

        catalog.Problems.Should().BeEmpty();
        var plugin = catalog.Describe("adapter", "output_bias");
        string row = build.Walkthrough.Split('\n').Single(line => line.StartsWith("adapter    output_bias", StringComparison.Ordinal));
        Regex.Split(row.Trim(), @"\s{2,}").Should().Equal("adapter", "output_bias", plugin.Version, Path.GetFileName(plugin.AssemblyPath), plugin.Description);
    }

    [Fact]
    public void A_target_that_matches_nothing_in_the_llm_fails_validation_with_the_message_step_8_shows()
    {
        using var pipeline = new TinyPipeline(Yaml());
        string shown = build.Walkthrough.Split('\n').Single(line => line.StartsWith("examples/bias.yaml:", StringComparison.Ordinal) && line.Contains("matches nothing"));
        var definition = PipelineLoader.Load(pipeline.ConfigPath, ["model.adapters.0.options.targets.llm.0=out_proj"], [build.OutputDirectory]);

        var act = () => ModelFactory.Build(definition, 100, META);

        string expected = shown[(shown.IndexOf(": ", StringComparison.Ordinal) + 2)..];
        act.Should().Throw<ConfigException>().Which.Message.Should().EndWith(expected);
    }

    [Fact]
    public void The_adapter_passes_the_conformance_kit_with_the_walkthrough_targets()
    {
        using var pipeline = ConformancePipeline.Create("output_bias", "targets: { llm: [o_proj, down_proj] }", [build.OutputDirectory]);
        using var kit = new AdapterConformance(pipeline.Definition);

        var results = kit.RunAll();

        results.Where(r => !r.Succeeded).Should().BeEmpty();
        results.Single(r => r.Check == "names").Reason.Should().Be("all 2 parameters are under 'under_test'");
        string shown = build.Walkthrough.Split('\n').Single(line => line.Contains("'output_bias' passes all", StringComparison.Ordinal));
        shown.Should().Contain($"`{ConformanceTable.Render("output_bias", results).TrimEnd().Split('\n')[^1]}`");
    }

    [Fact]
    public void The_adapter_trains_in_a_tiny_pipeline_under_the_state_dict_keys_the_walkthrough_names()
    {
        using var pipeline = new TinyPipeline(Yaml());
        var definition = PipelineLoader.Load(pipeline.ConfigPath, Short, [build.OutputDirectory]);
        var log = new List<string>();

        var result = PipelineRunner.Train(definition, log.Add);

        result.Stages.Should().OnlyContain(s => double.IsFinite(s.FinalLoss));
        string checkpoints = Path.Combine(pipeline.OutputDirectory, "checkpoints");
        string latest = File.ReadAllText(Path.Combine(checkpoints, "latest")).Trim();
        using var weights = SafetensorsFile.Open(Path.Combine(checkpoints, latest, "model.safetensors"));
        foreach (string key in new[] { "llm.model.layers.0.self_attn.o_proj.output_bias.bias", "llm.model.layers.0.mlp.down_proj.output_bias.bias" })
        {
            weights.Entries.Should().ContainKey(key);
            double largest = FinalizerFence.Run(() =>
            {
                using var bias = weights.Read(key, ScalarType.Float32);
                return bias.abs().max().item<float>();
            });
            largest.Should().BeGreaterThan(0, "{0} starts at zero and trains in the instruct stage", key);
        }
    }
}
