using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Config.Binding;

/// <summary>
/// A YAML block kept raw for binding later, with what is needed to report errors in it: the document it came from
/// and its key path. Options types use it for blocks whose type is only known once a plugin is chosen (an
/// adapter's <c>options</c>); bind it with <see cref="OptionsBinder.Bind(Type, ConfigNode)"/>.
/// </summary>
public sealed class ConfigNode
{
    /// <param name="document">The document the node belongs to.</param>
    /// <param name="keyPath">Where the node sits, for example <c>adapters[0].options</c>; empty for the top level.</param>
    /// <param name="node">The node, or <c>null</c> when the key is absent.</param>
    /// <param name="container">The mapping that holds (or would hold) the key; errors about an absent node point there.</param>
    public ConfigNode(YamlConfigDocument document, string keyPath, YamlNode? node, YamlNode? container)
    {
        Document = document;
        KeyPath = keyPath;
        Node = node;
        Container = container;
    }

    /// <summary>The document the node belongs to.</summary>
    public YamlConfigDocument Document { get; }

    /// <summary>The config file, as used in messages.</summary>
    public string File => Document.Path;

    /// <summary>Where the node sits, for example <c>adapters[0].options</c>; empty for the top level.</summary>
    public string KeyPath { get; }

    /// <summary>The node, or <c>null</c> when the key is absent from the YAML.</summary>
    public YamlNode? Node { get; }

    /// <summary>The mapping holding the key (or where it would be), or <c>null</c> when unknown.</summary>
    public YamlNode? Container { get; }

    /// <summary>Whether the key is absent or holds a YAML null (<c>key:</c>, <c>~</c>, <c>null</c>).</summary>
    public bool IsMissing => Node is null || YamlNodeText.IsNull(Node);

    /// <summary>A problem located at the node, or at its container when it is absent.</summary>
    public ConfigProblem ProblemAt(string text) => Document.ProblemAt(Node ?? Container, text);

    /// <summary>
    /// An exception for <paramref name="text"/> located at the first scalar value under the node that the text quotes
    /// (<c>target pattern 'nope' matches nothing</c> points at <c>nope</c>, wherever it came from: the file, a
    /// <c>--set</c> override or a matrix cell), else at the node as <see cref="ErrorAt"/> does.
    /// </summary>
    public ConfigException ErrorAtQuotedValue(string text)
    {
        YamlNode? quoted = Node is null ? null : YamlNodeWalk.Distinct(Node)
            .Where(n => n is YamlScalarNode { Value: { Length: > 0 } value } && !IsMappingKey(n) && text.Contains($"'{value}'", StringComparison.Ordinal))
            .FirstOrDefault();
        return quoted is null ? ErrorAt(text) : Document.ErrorAt(quoted, text);
    }

    private bool IsMappingKey(YamlNode node) =>
        Node is not null && YamlNodeWalk.Distinct(Node).OfType<YamlMappingNode>().Any(m => m.Children.Keys.Any(key => ReferenceEquals(key, node)));

    /// <summary>An exception for one problem located at the node, or at its container when it is absent.</summary>
    public ConfigException ErrorAt(string text) => new(ProblemAt(text));
}
