using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Config.Binding;

/// <summary>
/// A YAML config file loaded with node positions, with the command-line <c>--set</c> overrides applied on top.
/// It knows where every node came from, so errors point at <c>file:line:col</c> for values from the file and at
/// <c>--set &lt;path&gt;</c> for values from the command line.
/// </summary>
public sealed class YamlConfigDocument
{
    private readonly Dictionary<YamlNode, NodeOrigin> _origins = new(ReferenceEqualityComparer.Instance);

    private YamlConfigDocument(string path, YamlMappingNode root)
    {
        Path = path;
        Root = root;
    }

    /// <summary>The config file path as the user gave it (used verbatim in messages).</summary>
    public string Path { get; }

    /// <summary>The top-level mapping, overrides applied.</summary>
    public YamlMappingNode Root { get; }

    /// <summary>The whole document as a node to bind (key path empty: the top level).</summary>
    public ConfigNode RootNode => new(this, "", Root, null);

    /// <summary>
    /// Reads <paramref name="path"/> and applies <paramref name="overrides"/> in order. Each override is
    /// <c>a.b.c=VALUE</c>: the path walks mappings by key (creating missing ones) and sequences by index
    /// (<c>adapters.0.options.rank=4</c>); VALUE is parsed as YAML, so <c>1e-3</c>, <c>true</c> and flow nodes such
    /// as <c>[q_proj,v_proj]</c> or <c>{rank: 4}</c> work.
    /// </summary>
    /// <exception cref="ConfigException">
    /// The file is missing, unreadable, larger than 16 MiB or not UTF-8 text (see <see cref="YamlFileText"/>), is not
    /// valid YAML or exceeds the parser's limits (see <see cref="YamlParsing"/>), holds other than one document whose top level is a
    /// mapping, uses YAML tags, or an override is malformed or walks through a value or past a sequence's end.
    /// </exception>
    public static YamlConfigDocument Load(string path, IEnumerable<string>? overrides = null)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ConfigException("", 0, 0, "no config file given: the file name is empty");
        if (Directory.Exists(path)) throw new ConfigException("", 0, 0, $"config file not found: {path} is a directory; name a YAML file");
        if (!File.Exists(path)) throw new ConfigException("", 0, 0, $"config file not found: {path}");
        string text = YamlFileText.Read(path);

        YamlStream stream = YamlParsing.Load(text, (line, column, problem) => new ConfigException(path, line, column, problem));
        if (text.Length == 0)
            throw new ConfigException(path, 0, 0, "the file is empty (or not a regular file: a pipe or a device); expected a mapping of top-level keys");
        if (stream.Documents.Count == 0)
            throw new ConfigException(path, 0, 0, "the file holds no YAML document; expected a mapping of top-level keys");
        if (stream.Documents.Count > 1)
        {
            Mark second = stream.Documents[1].RootNode.Start;
            throw new ConfigException(path, (int)second.Line, (int)second.Column,
                $"expected one YAML document, found {stream.Documents.Count}; remove the '---' separators");
        }

        YamlNode root = stream.Documents[0].RootNode;
        if (root is not YamlMappingNode rootMapping)
            throw new ConfigException(path, (int)root.Start.Line, (int)root.Start.Column,
                $"the top level must be a mapping of keys, got {YamlNodeText.Describe(root)}");

        return WithOverrides(new YamlConfigDocument(path, rootMapping), overrides);
    }

    /// <summary>
    /// A document whose top level is <paramref name="root"/>, a mapping taken from the file <paramref name="path"/>
    /// (a pipeline written inline in another YAML file), with <paramref name="overrides"/> applied as in <see cref="Load"/>.
    /// </summary>
    public static YamlConfigDocument FromMapping(string path, YamlMappingNode root, IEnumerable<string>? overrides = null) =>
        WithOverrides(new YamlConfigDocument(path, root), overrides);

    private static YamlConfigDocument WithOverrides(YamlConfigDocument document, IEnumerable<string>? overrides)
    {
        foreach (string assignment in overrides ?? [])
            ConfigOverride.Apply(document, assignment);
        document.RejectTags();
        return document;
    }

    /// <summary>
    /// A problem located at <paramref name="node"/>: its file position, <c>--set &lt;path&gt;</c> when an override
    /// created it, or just the file when <paramref name="node"/> is <c>null</c>.
    /// </summary>
    public ConfigProblem ProblemAt(YamlNode? node, string text)
    {
        if (node is null) return new ConfigProblem(Path, 0, 0, text);
        if (_origins.TryGetValue(node, out NodeOrigin? origin))
            return origin.OwnPositions
                ? new ConfigProblem(origin.File, (int)node.Start.Line, (int)node.Start.Column, text)
                : new ConfigProblem(origin.File, origin.Line, origin.Column, text);
        return new ConfigProblem(Path, (int)node.Start.Line, (int)node.Start.Column, text);
    }

    /// <summary>An exception for one problem located at <paramref name="node"/> (see <see cref="ProblemAt"/>).</summary>
    public ConfigException ErrorAt(YamlNode? node, string text) => new(ProblemAt(node, text));

    /// <summary>Whether <paramref name="node"/> was put in by an override (<c>--set</c>, a matrix cell) rather than read from the file.</summary>
    public bool IsFromOverride(YamlNode node) => _origins.ContainsKey(node);

    /// <summary>Records that <paramref name="node"/> and everything under it came from <c>--set &lt;path&gt;</c>.</summary>
    internal void MarkOverride(YamlNode node, string path) => SetOrigin(node, new NodeOrigin("--set " + path, false, 0, 0));

    /// <summary>
    /// Sets the key at <paramref name="keyPath"/> to <paramref name="value"/>, a node read from the file
    /// <paramref name="file"/> (a matrix cell's value): errors in it point at its own position in that file, errors in
    /// mappings created on the way at <paramref name="keyNode"/>'s position there.
    /// </summary>
    /// <exception cref="ConfigException">The path cannot be walked (a value in the way, an index past a sequence's end); located at <paramref name="keyNode"/>.</exception>
    public void Assign(string keyPath, YamlNode value, string file, YamlNode keyNode)
    {
        var created = new NodeOrigin(file, false, (int)keyNode.Start.Line, (int)keyNode.Start.Column);
        ConfigOverride.Assign(this, keyPath, value,
            (node, _) => SetOrigin(node, ReferenceEquals(node, value) ? new NodeOrigin(file, true, 0, 0) : created),
            text => new ConfigException(file, created.Line, created.Column, $"{keyPath}: {text}"));
    }

    private void SetOrigin(YamlNode node, NodeOrigin origin)
    {
        foreach (YamlNode descendant in YamlNodeWalk.Distinct(node)) _origins[descendant] = origin;
    }

    /// <summary>Where a node not read from this document's file came from: a file with the node's own positions, or a fixed place.</summary>
    private sealed record NodeOrigin(string File, bool OwnPositions, int Line, int Column);

    private void RejectTags()
    {
        foreach (YamlNode node in YamlNodeWalk.Distinct(Root))
            if (!node.Tag.IsEmpty) throw ErrorAt(node, YamlNodeText.TagNotSupported(node));
    }
}
