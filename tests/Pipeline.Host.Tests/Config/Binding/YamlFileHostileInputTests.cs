using System.Diagnostics;
using System.Text;
using Pipeline.Host.Config.Binding;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Tests.Config.Binding;

/// <summary>Config files a careless or hostile user might write: tabs, other encodings, binary files, bombs and giants.</summary>
public sealed class YamlFileHostileInputTests : IDisposable
{
    private const string Tab = "invalid YAML: a tab in the indentation; tabs are not allowed for indentation, indent with spaces";
    private const string NotUtf8 = "is not valid UTF-8 here; save the file as UTF-8 (Latin-1 text and UTF-16 without a byte-order mark are not accepted)";
    private const string Nul = "the file holds a NUL byte; it is binary, or UTF-16 without a byte-order mark; save it as UTF-8 text";

    private readonly TempConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string WriteBytes(byte[] bytes)
    {
        string path = Path.Combine(_dir.Root, "config.yaml");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string LoadError(string path) =>
        ((Action)(() => YamlConfigDocument.Load(path, []))).Should().Throw<ConfigException>().Which.Message;

    private static string OutputDir(YamlConfigDocument document) =>
        ((YamlScalarNode)((YamlMappingNode)document.Root["run"])["output_dir"]).Value!;

    [Theory]
    [InlineData("run:\n\toutput_dir: out\n", 2, 1)]
    [InlineData("\trun: {output_dir: out}\n", 1, 1)]
    [InlineData("run:\n  output_dir: out\n \tseed: 1\n", 3, 2)]
    [InlineData("stages:\n  - a\n\t- b\n", 3, 1)]
    [InlineData("run:\n  output_dir: out\n\t\n  seed: 1\n", 3, 1)]
    public void A_tab_in_the_indentation_is_reported_at_the_tab(string yaml, int line, int column)
    {
        string path = _dir.Write(yaml);

        LoadError(path).Should().Be($"{path}:{line}:{column}: {Tab}");
    }

    [Theory]
    [InlineData("run: {output_dir:\tout}\n")]
    [InlineData("run: {seed: 1,\n\toutput_dir: out}\n")]
    [InlineData("run:\n  output_dir: out\t# a comment after a tab\n")]
    public void A_tab_that_separates_rather_than_indents_is_valid_yaml(string yaml)
    {
        OutputDir(YamlConfigDocument.Load(_dir.Write(yaml), [])).Should().Be("out");
    }

    [Fact]
    public void A_tab_inside_a_block_scalar_is_its_content()
    {
        var document = YamlConfigDocument.Load(_dir.Write("note: |\n  line\n  \tindented\n"), []);

        ((YamlScalarNode)document.Root["note"]).Value.Should().Be("line\n\tindented\n");
    }

    [Theory]
    [InlineData("run: {seed: 1, seed: 2}\n", 1, 16)]
    [InlineData("run:\n  seed: 1\n  \"seed\": 2\n", 3, 3)]
    [InlineData("run:\n  seed: 1\n  ? seed\n  : 2\n", 3, 5)]
    public void A_key_given_twice_however_it_is_written_is_reported_at_the_second(string yaml, int line, int column)
    {
        string path = _dir.Write(yaml);

        LoadError(path).Should().Be($"{path}:{line}:{column}: invalid YAML: Duplicate key seed");
    }

    [Fact]
    public void Latin_1_text_is_refused_at_the_first_bad_byte()
    {
        string path = WriteBytes([.. "run:\n  output_dir: \"caf"u8, 0xE9, .. "\"\n"u8]);

        LoadError(path).Should().Be($"{path}:2:19: the file is not UTF-8: byte 0xE9 (offset 23) {NotUtf8}");
    }

    [Fact]
    public void Columns_count_characters_not_bytes()
    {
        string path = WriteBytes([.. "a: \u00e9"u8, 0xFF, .. "\n"u8]);

        LoadError(path).Should().Be($"{path}:1:5: the file is not UTF-8: byte 0xFF (offset 5) {NotUtf8}");
    }

    [Fact]
    public void Utf16_without_a_byte_order_mark_is_refused_at_its_first_nul()
    {
        string path = WriteBytes(Encoding.Unicode.GetBytes("run: {output_dir: out}\n"));

        LoadError(path).Should().Be($"{path}:1:2: {Nul}");
    }

    [Fact]
    public void A_nul_byte_is_refused_where_it_is()
    {
        string path = WriteBytes("run:\n  output_dir: a\0b\n"u8.ToArray());

        LoadError(path).Should().Be($"{path}:2:16: {Nul}");
    }

    [Fact]
    public void A_control_character_is_refused_where_it_is()
    {
        string path = WriteBytes("a: b\u0001\n"u8.ToArray());

        LoadError(path).Should().Be($"{path}:1:5: the control character U+0001 is not allowed in YAML; remove it");
    }

    [Fact]
    public void A_binary_file_is_refused_at_its_first_byte_that_cannot_be_text()
    {
        string path = WriteBytes([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01]);

        LoadError(path).Should().Be($"{path}:1:1: the control character U+007F is not allowed in YAML; remove it");
    }

    [Fact]
    public void Utf8_with_a_byte_order_mark_is_read()
    {
        string path = WriteBytes([0xEF, 0xBB, 0xBF, .. "run: {output_dir: caf\u00e9}\n"u8]);

        OutputDir(YamlConfigDocument.Load(path, [])).Should().Be("caf\u00e9");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Utf16_with_a_byte_order_mark_is_read(bool bigEndian)
    {
        var encoding = new UnicodeEncoding(bigEndian, byteOrderMark: true);
        string path = WriteBytes([.. encoding.GetPreamble(), .. encoding.GetBytes("run: {output_dir: caf\u00e9}\n")]);

        OutputDir(YamlConfigDocument.Load(path, [])).Should().Be("caf\u00e9");
    }

    [Fact]
    public void An_empty_file_is_refused_as_empty()
    {
        string path = WriteBytes([]);

        LoadError(path).Should().Be($"{path}: the file is empty (or not a regular file: a pipe or a device); expected a mapping of top-level keys");
    }

    [Fact]
    public void A_named_pipe_is_refused_without_waiting_for_a_writer()
    {
        string path = Path.Combine(_dir.Root, "fifo.yaml");
        using (var mkfifo = Process.Start("mkfifo", [path])) mkfifo.WaitForExit();

        LoadError(path).Should().Be($"{path}: the file is empty (or not a regular file: a pipe or a device); expected a mapping of top-level keys");
    }

    [Fact]
    public void A_symbolic_link_to_a_named_pipe_is_refused_without_waiting_for_a_writer()
    {
        string fifo = Path.Combine(_dir.Root, "fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo])) mkfifo.WaitForExit();
        string path = Path.Combine(_dir.Root, "link.yaml");
        File.CreateSymbolicLink(path, fifo);

        LoadError(path).Should().Be($"{path}: the file is empty (or not a regular file: a pipe or a device); expected a mapping of top-level keys");
    }

    [Fact]
    public void A_symbolic_link_loop_is_a_file_that_cannot_be_read()
    {
        string a = Path.Combine(_dir.Root, "a.yaml"), b = Path.Combine(_dir.Root, "b.yaml");
        File.CreateSymbolicLink(a, b);
        File.CreateSymbolicLink(b, a);

        LoadError(a).Should().StartWith($"{a}: cannot read the config file: ");
    }

    [Fact]
    public void An_empty_file_name_is_no_config_file()
    {
        LoadError("").Should().Be("no config file given: the file name is empty");
    }

    [Fact]
    public void A_directory_is_not_a_config_file()
    {
        LoadError(_dir.Root).Should().Be($"config file not found: {_dir.Root} is a directory; name a YAML file");
    }

    [Fact]
    public void A_file_over_16_mib_is_refused_before_it_is_read()
    {
        string path = Path.Combine(_dir.Root, "huge.yaml");
        using (var file = File.Create(path)) file.SetLength(16 * 1024 * 1024 + 1);

        LoadError(path).Should().Be($"{path}: the config file is larger than 16 MiB; refusing to read it (a pipeline YAML is a few kilobytes)");
    }

    [Fact]
    public void A_scalar_document_is_not_a_mapping()
    {
        string path = _dir.Write("just some text\n");

        LoadError(path).Should().Be($"{path}:1:1: the top level must be a mapping of keys, got 'just some text'");
    }

    [Fact]
    public void Nesting_deeper_than_64_levels_is_refused_at_the_first_level_too_deep()
    {
        // The top-level mapping is level 1, so the 64th '[' (column 3 + 64) opens level 65.
        string path = _dir.Write("a: " + new string('[', 100_000) + new string(']', 100_000) + "\n");

        LoadError(path).Should().Be($"{path}:1:67: invalid YAML: nested deeper than 64 levels; refusing it");
    }

    [Fact]
    public void Nesting_of_64_levels_is_accepted()
    {
        var document = YamlConfigDocument.Load(_dir.Write("a: " + new string('[', 63) + new string(']', 63) + "\n"), []);

        document.Root["a"].Should().BeOfType<YamlSequenceNode>();
    }

    [Fact]
    public void An_alias_bomb_is_refused_at_the_first_node_that_expands_beyond_a_million_values()
    {
        // a holds 11 nodes, b 1 + 10 * 11 = 111, ..., f 1 111 111: the first over 1 000 000.
        string path = _dir.Write("""
            a: &a [x, x, x, x, x, x, x, x, x, x]
            b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
            c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
            d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
            e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
            f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
            g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
            h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
            i: [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]
            """);

        LoadError(path).Should().Be(
            $"{path}:6:4: invalid YAML: aliases (*name) expand this node to more than 1000000 values; refusing it (use fewer or smaller aliases)");
    }

    [Fact]
    public void Small_aliases_still_work()
    {
        var document = YamlConfigDocument.Load(_dir.Write("a: &targets [q_proj, v_proj]\nb: *targets\n"), []);

        document.Root["b"].Should().BeSameAs(document.Root["a"]);
    }

    [Fact]
    public void An_override_value_nested_too_deep_is_refused_at_the_override()
    {
        string path = _dir.Write("a: 1\n");
        string assignment = "a=" + new string('[', 200) + new string(']', 200);

        LoadError(path, assignment).Should().Be(
            $"--set {assignment[..77]}...: the value is not valid YAML: nested deeper than 64 levels; refusing it");
    }

    private static string LoadError(string path, string assignment) =>
        ((Action)(() => YamlConfigDocument.Load(path, [assignment]))).Should().Throw<ConfigException>().Which.Message;
}
