using Pipeline.Host.Config.Binding;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Tests.Config.Binding;

public sealed class ConfigOverrideTests : IDisposable
{
    private const string Config = """
        training:
          lr: 1e-4
          steps: 10
        adapters:
          - plugin: lora
            options:
              rank: 8
              targets:
                llm: [q_proj]
        """;

    private readonly TempConfigDirectory _dir = new();
    private readonly string _path;

    public ConfigOverrideTests() => _path = _dir.Write(Config);

    public void Dispose() => _dir.Dispose();

    private static YamlNode At(YamlConfigDocument document, params object[] path)
    {
        YamlNode node = document.Root;
        foreach (object step in path)
            node = step is int index ? ((YamlSequenceNode)node)[index] : ((YamlMappingNode)node)[(string)step];
        return node;
    }

    [Fact]
    public void Setting_an_existing_key_replaces_its_value_and_locates_it_at_the_override()
    {
        var document = YamlConfigDocument.Load(_path, ["training.lr=1e-3"]);

        At(document, "training", "lr").Should().Be(new YamlScalarNode("1e-3"));
        document.ProblemAt(At(document, "training", "lr"), "x").ToString().Should().Be("--set training.lr: x");
        document.ProblemAt(At(document, "training", "steps"), "x").ToString().Should().Be($"{_path}:3:10: x");
    }

    [Fact]
    public void Setting_a_new_key_creates_the_mappings_on_its_path()
    {
        var document = YamlConfigDocument.Load(_path, ["training.scheduler.plugin=constant"]);

        At(document, "training", "scheduler", "plugin").Should().Be(new YamlScalarNode("constant"));
        document.IsFromOverride(At(document, "training", "scheduler")).Should().BeTrue();
        document.ProblemAt(At(document, "training", "scheduler"), "x").ToString().Should().Be("--set training.scheduler: x");
    }

    [Fact]
    public void A_number_walks_into_a_sequence_item()
    {
        var document = YamlConfigDocument.Load(_path, ["adapters.0.options.rank=4"]);

        At(document, "adapters", 0, "options", "rank").Should().Be(new YamlScalarNode("4"));
        document.ProblemAt(At(document, "adapters", 0, "options"), "x").ToString().Should().Be($"{_path}:7:7: x");
    }

    [Fact]
    public void A_flow_value_becomes_a_sequence_whose_items_are_located_at_the_override()
    {
        var document = YamlConfigDocument.Load(_path, ["adapters.0.options.targets.llm=[q_proj,v_proj]"]);

        var llm = (YamlSequenceNode)At(document, "adapters", 0, "options", "targets", "llm");
        llm.Children.Should().Equal(new YamlScalarNode("q_proj"), new YamlScalarNode("v_proj"));
        document.ProblemAt(llm[1], "x").ToString().Should().Be("--set adapters.0.options.targets.llm: x");
    }

    [Fact]
    public void Overrides_apply_in_order_and_a_later_one_can_walk_into_an_earlier_one()
    {
        var document = YamlConfigDocument.Load(_path, ["extra={a: 1}", "extra.b=2", "extra.a=3"]);

        ((YamlMappingNode)At(document, "extra")).Children.Should().Equal(new Dictionary<YamlNode, YamlNode>
        {
            [new YamlScalarNode("a")] = new YamlScalarNode("3"),
            [new YamlScalarNode("b")] = new YamlScalarNode("2"),
        });
    }

    [Fact]
    public void A_null_on_the_path_becomes_a_new_mapping()
    {
        string path = _dir.Write("training:\n", "empty.yaml");

        var document = YamlConfigDocument.Load(path, ["training.steps=5"]);

        At(document, "training", "steps").Should().Be(new YamlScalarNode("5"));
    }

    [Fact]
    public void An_empty_value_sets_a_yaml_null()
    {
        var document = YamlConfigDocument.Load(_path, ["training.lr="]);

        ((YamlScalarNode)At(document, "training", "lr")).Value.Should().BeEmpty();
    }

    [Theory]
    [InlineData("adapters.3.options.rank=4", "index 3 is out of range (adapters has 1 item)")]
    [InlineData("adapters.99999999999.rank=4", "index 99999999999 is out of range (adapters has 1 item)")]
    [InlineData("adapters.first.rank=4", "'first' is not an index, but adapters is a sequence; use a number such as adapters.0")]
    [InlineData("training.lr.warmup=5", "cannot set 'warmup' inside training.lr: it holds the value '1e-4', not a mapping")]
    [InlineData("training.steps", "expected PATH=VALUE, for example training.lr=1e-4")]
    [InlineData("=5", "the key path before '=' is empty")]
    [InlineData("training..steps=5", "the key path 'training..steps' has an empty part")]
    [InlineData("training.steps=[1, 2", "the value is not valid YAML: While parsing a flow sequence, did not find expected ',' or ']'.")]
    public void A_bad_override_is_reported_with_its_text(string assignment, string text)
    {
        var load = () => YamlConfigDocument.Load(_path, [assignment]);

        load.Should().Throw<ConfigException>().Which.Message.Should().Be($"--set {assignment}: {text}");
    }

    [Fact]
    public void A_tag_in_an_override_value_is_rejected_at_the_override()
    {
        var load = () => YamlConfigDocument.Load(_path, ["training.lr=!Foo 1"]);

        load.Should().Throw<ConfigException>().Which.Message
            .Should().Be("--set training.lr: YAML tags are not supported (found '!Foo'); remove the tag");
    }
}
