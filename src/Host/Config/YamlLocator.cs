using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Config;

/// <summary>Finds a node of a YAML document by a path of mapping keys and sequence indexes, for positioning errors.</summary>
public static class YamlLocator
{
    /// <summary>The node at <paramref name="path"/> (strings are keys, integers are indexes), or the deepest node found on the way.</summary>
    public static YamlNode Find(YamlNode root, params object[] path)
    {
        YamlNode current = root;
        foreach (object step in path)
        {
            YamlNode? next = (current, step) switch
            {
                (YamlMappingNode mapping, string key) when mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) => child,
                (YamlSequenceNode sequence, int index) when index >= 0 && index < sequence.Children.Count => sequence.Children[index],
                _ => null,
            };
            if (next is null) return current;
            current = next;
        }
        return current;
    }
}
