using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Config.Binding;

/// <summary>
/// Walks a YAML node tree visiting every node once. An alias (<c>*name</c>) makes its anchored node appear in several
/// places of the tree, so YamlDotNet's <c>AllNodes</c> revisits it each time: a "billion laughs" document of nested
/// aliases a few hundred bytes long would be walked 10^9 times. This walk follows each node the first time only.
/// </summary>
internal static class YamlNodeWalk
{
    /// <summary><paramref name="root"/> and every node under it (mapping keys included), each once.</summary>
    public static IEnumerable<YamlNode> Distinct(YamlNode root)
    {
        var seen = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<YamlNode>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            YamlNode node = pending.Pop();
            if (!seen.Add(node)) continue;
            yield return node;
            switch (node)
            {
                case YamlMappingNode mapping:
                    foreach (var (key, value) in mapping.Children.Reverse())
                    {
                        pending.Push(value);
                        pending.Push(key);
                    }
                    break;
                case YamlSequenceNode sequence:
                    foreach (YamlNode item in sequence.Children.Reverse()) pending.Push(item);
                    break;
            }
        }
    }
}
