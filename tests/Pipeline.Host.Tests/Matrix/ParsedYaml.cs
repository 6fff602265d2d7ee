using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Tests.Matrix;

/// <summary>A YAML document read back with YamlDotNet, flattened to <c>path = value</c> lines for exact comparison.</summary>
internal sealed class ParsedYaml
{
    public ParsedYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        stream.Documents.Should().HaveCount(1);
        Root = (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public YamlMappingNode Root { get; }

    /// <summary>Every scalar as <c>a.b[0].c = value</c>, in document order.</summary>
    public IReadOnlyList<string> Lines()
    {
        var lines = new List<string>();
        Flatten(Root, "", lines);
        return lines;
    }

    /// <summary>The scalar at a path of keys, sequence items by index: <c>("spec", "template", "spec", "containers", "0", "image")</c>.</summary>
    public YamlScalarNode Scalar(params string[] path) => (YamlScalarNode)Node(path);

    /// <summary>The node at a path of keys and sequence indexes.</summary>
    public YamlNode Node(params string[] path)
    {
        YamlNode node = Root;
        foreach (string part in path)
        {
            node = node is YamlSequenceNode sequence ? sequence.Children[int.Parse(part)] : ((YamlMappingNode)node).Children[new YamlScalarNode(part)];
        }
        return node;
    }

    /// <summary>Whether a reader that resolves plain scalars by type would still read this scalar as a string.</summary>
    public static bool IsQuoted(YamlScalarNode scalar) => scalar.Style is ScalarStyle.DoubleQuoted or ScalarStyle.SingleQuoted;

    private static void Flatten(YamlNode node, string path, List<string> lines)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                lines.Add($"{path} = {scalar.Value}");
                break;
            case YamlSequenceNode sequence:
                for (int i = 0; i < sequence.Children.Count; i++) Flatten(sequence.Children[i], $"{path}[{i}]", lines);
                break;
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                    Flatten(value, path.Length == 0 ? ((YamlScalarNode)key).Value! : $"{path}.{((YamlScalarNode)key).Value}", lines);
                break;
        }
    }
}
