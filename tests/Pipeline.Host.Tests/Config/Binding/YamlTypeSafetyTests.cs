using Pipeline.Host.Config.Binding;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Config.Binding;

/// <summary>
/// A pipeline YAML is bound to the host's and the plugins' plain options types only: tags that would name a type
/// (standard, verbatim or custom, on values, mappings or keys) are rejected, and <c>$type</c>-style keys are plain
/// keys, which strict binding rejects as unknown. No type named in a document is ever instantiated.
/// </summary>
public sealed class YamlTypeSafetyTests
{
    /// <summary>Constructed only if something instantiated a type a document named.</summary>
    public sealed class Sentinel
    {
        public static bool Constructed { get; private set; }

        public Sentinel() => Constructed = true;
    }

    private static string ErrorOf(string yaml)
    {
        using var pipeline = new TinyPipeline(yaml);
        var act = () => PipelineLoader.Load(pipeline.ConfigPath);
        return act.Should().Throw<ConfigException>().Which.Message.Replace(pipeline.ConfigPath, "pipeline.yaml");
    }

    public static TheoryData<string, string, string> Documents => new()
    {
        { "  seed: 3", "  seed: !!python/object/apply:os.system [ls]",
          "pipeline.yaml:3:9: YAML tags are not supported (found 'tag:yaml.org,2002:python/object/apply:os.system'); remove the tag" },
        { "  seed: 3", "  seed: !<tag:yaml.org,2002:int> 3",
          "pipeline.yaml:3:9: YAML tags are not supported (found 'tag:yaml.org,2002:int'); remove the tag" },
        { "  llm: {", "  llm: !System.Diagnostics.Process {",
          "pipeline.yaml:7:8: YAML tags are not supported (found '!System.Diagnostics.Process'); remove the tag" },
        { "  seed: 3", "  !System.String seed: 3",
          "pipeline.yaml:3:3: YAML tags are not supported (found '!System.String'); remove the tag" },
        { "rank: 4", "rank: !!int 4",
          "pipeline.yaml:18:15: YAML tags are not supported (found 'tag:yaml.org,2002:int'); remove the tag" },
        { "run:", "$type: System.IO.FileInfo\nrun:",
          "pipeline.yaml:1:1: unknown key '$type' at the top level; known keys: data, model, plugins, plugins_lock, run, stages" },
        { "rank: 4", "rank: 4\n        $type: Pipeline.Host.Tests.Config.Binding.YamlTypeSafetyTests+Sentinel",
          "pipeline.yaml:19:9: unknown key '$type' in model.adapters[0].options; known keys: alpha, dropout, rank, targets" },
        { "  encoders:", "  encoders:\n    $type: System.IO.FileInfo",
          "pipeline.yaml:9:12: model.encoders.$type: expected a mapping, got 'System.IO.FileInfo'" },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Tags_and_type_keys_are_errors_and_nothing_is_instantiated(string original, string replacement, string expected)
    {
        string yaml = TinyPipeline.Yaml.Replace(original, replacement);
        yaml.Should().NotBe(TinyPipeline.Yaml, "the case must change the document");

        ErrorOf(yaml).Should().Be(expected);
        Sentinel.Constructed.Should().BeFalse();
    }

    [Fact]
    public async Task A_billion_laughs_document_of_nested_aliases_fails_fast_instead_of_being_expanded()
    {
        string yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + string.Concat(Enumerable.Range(1, 9)
            .Select(i => $"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n"));
        using var pipeline = new TinyPipeline(yaml + TinyPipeline.Yaml);

        var load = Task.Run(() => PipelineLoader.Load(pipeline.ConfigPath));

        (await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(60)))).Should().BeSameAs(load, "10^9 aliased nodes must not be walked one by one");
        var act = async () => await load;
        (await act.Should().ThrowAsync<ConfigException>()).Which.Message.Replace(pipeline.ConfigPath, "pipeline.yaml").Should().Be(
            "pipeline.yaml:6:5: invalid YAML: aliases (*name) expand this node to more than 1000000 values; refusing it (use fewer or smaller aliases)");
    }
}
