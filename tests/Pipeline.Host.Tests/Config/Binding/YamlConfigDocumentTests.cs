using Pipeline.Host.Config.Binding;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Tests.Config.Binding;

public sealed class YamlConfigDocumentTests : IDisposable
{
    private readonly TempConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Loads_the_top_level_mapping_with_node_positions()
    {
        string path = _dir.Write("""
            name: demo
            training:
              steps: 10
            """);

        var document = YamlConfigDocument.Load(path, []);

        document.Path.Should().Be(path);
        var steps = ((YamlMappingNode)document.Root["training"])["steps"];
        document.ProblemAt(steps, "x").Should().Be(new ConfigProblem(path, 3, 10, "x"));
    }

    [Fact]
    public void A_missing_file_is_reported_with_its_path()
    {
        string path = Path.Combine(_dir.Root, "nope.yaml");

        var load = () => YamlConfigDocument.Load(path, []);

        load.Should().Throw<ConfigException>().Which.Message.Should().Be($"config file not found: {path}");
    }

    [Fact]
    public void A_syntax_error_is_reported_at_the_parser_position()
    {
        string path = _dir.Write("""
            training:
              steps: 10
             lr: 1
            """);

        var load = () => YamlConfigDocument.Load(path, []);

        var error = load.Should().Throw<ConfigException>().Which;
        error.Message.Should().Be($"{path}:3:2: invalid YAML: While parsing a block mapping, did not find expected key.");
        (error.File, error.Line, error.Column).Should().Be((path, 3, 2));
    }

    [Fact]
    public void A_duplicate_key_is_a_syntax_error_at_the_second_key()
    {
        string path = _dir.Write("""
            steps: 1
            steps: 2
            """);

        var load = () => YamlConfigDocument.Load(path, []);

        load.Should().Throw<ConfigException>().Which.Message.Should().Be($"{path}:2:1: invalid YAML: Duplicate key steps");
    }

    [Fact]
    public void An_unclosed_flow_sequence_followed_by_more_lines_is_reported_near_where_it_breaks()
    {
        // YamlDotNet's scanner throws InvalidOperationException without a position here.
        string path = _dir.Write("""
            targets: [q_proj, v_proj
            rank: 4
            """);

        var load = () => YamlConfigDocument.Load(path, []);

        load.Should().Throw<ConfigException>()
            .Which.Message.Should().Be($"{path}:1:10: invalid YAML: this '[' is never closed");
    }

    [Fact]
    public void A_top_level_that_is_not_a_mapping_is_rejected()
    {
        string path = _dir.Write("""
            - a
            - b
            """);

        var load = () => YamlConfigDocument.Load(path, []);

        load.Should().Throw<ConfigException>().Which.Message.Should().Be($"{path}:1:1: the top level must be a mapping of keys, got a sequence");
    }

    [Fact]
    public void An_empty_file_is_rejected()
    {
        string path = _dir.Write("# nothing here\n");

        var load = () => YamlConfigDocument.Load(path, []);

        load.Should().Throw<ConfigException>()
            .Which.Message.Should().Be($"{path}: the file holds no YAML document; expected a mapping of top-level keys");
    }

    [Fact]
    public void Several_documents_are_rejected_at_the_second()
    {
        string path = _dir.Write("""
            a: 1
            ---
            b: 2
            """);

        var load = () => YamlConfigDocument.Load(path, []);

        load.Should().Throw<ConfigException>()
            .Which.Message.Should().Be($"{path}:3:1: expected one YAML document, found 2; remove the '---' separators");
    }

    [Fact]
    public void Yaml_tags_are_rejected_so_the_document_can_never_name_a_type()
    {
        string path = _dir.Write("""
            training:
              scheduler: !System.IO.FileInfo { fileName: /etc/passwd }
            """);

        var load = () => YamlConfigDocument.Load(path, []);

        load.Should().Throw<ConfigException>()
            .Which.Message.Should().Be($"{path}:2:14: YAML tags are not supported (found '!System.IO.FileInfo'); remove the tag");
    }

    [Fact]
    public void A_node_without_a_position_is_reported_against_the_file()
    {
        string path = _dir.Write("a: 1\n");

        YamlConfigDocument.Load(path, []).ErrorAt(null, "something is missing").Message
            .Should().Be($"{path}: something is missing");
    }
}
