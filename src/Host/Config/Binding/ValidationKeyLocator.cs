using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Config.Binding;

/// <summary>
/// Finds the node an <see cref="Pipeline.Contracts.Options.OptionError.Key"/> names inside an options block, so a
/// validation failure points at the offending value. Keys are relative to the block: <c>rank</c>,
/// <c>targets.llm</c>, <c>targets.llm[1]</c>.
/// </summary>
internal static partial class ValidationKeyLocator
{
    /// <summary>
    /// The value node of <paramref name="relativeKey"/> in <paramref name="block"/>, or the deepest node on its path
    /// that exists; <c>null</c> when not even the first key is present (the caller then points at the block).
    /// </summary>
    public static YamlNode? Find(YamlMappingNode? block, string relativeKey)
    {
        if (block is null || relativeKey.Length == 0) return null;
        YamlNode current = block;
        YamlNode? found = null;
        foreach (Match step in StepPattern().Matches(relativeKey))
        {
            YamlNode? next = current switch
            {
                YamlMappingNode mapping when step.Groups["key"].Success => ValueOf(mapping, step.Groups["key"].Value),
                YamlSequenceNode sequence when step.Groups["index"].Success => ItemOf(sequence, step.Groups["index"].Value),
                _ => null,
            };
            if (next is null) break;
            found = current = next;
        }
        return found;
    }

    /// <summary>
    /// Where to report a validation failure of <paramref name="block"/>: the node <see cref="Find"/> gives, unless that
    /// node was read from the file while a value the message names (<c>must be divisible by patch_size (5)</c>) was set
    /// by an override (<c>--set</c>, a matrix cell): the override caused the failure, so it wins.
    /// </summary>
    public static YamlNode? Locate(YamlConfigDocument document, YamlMappingNode? block, string relativeKey, string message)
    {
        YamlNode? found = Find(block, relativeKey);
        if (block is null || (found is not null && document.IsFromOverride(found))) return found;
        foreach (var (key, value) in block.Children)
            if (key is YamlScalarNode { Value: { Length: > 0 } name } && document.IsFromOverride(value)
                && Regex.IsMatch(message, $@"(?<![\w.]){Regex.Escape(name)}(?![\w])", RegexOptions.CultureInvariant))
                return value;
        return found;
    }

    private static YamlNode? ValueOf(YamlMappingNode mapping, string key) =>
        mapping.Children.FirstOrDefault(entry => entry.Key is YamlScalarNode scalar && scalar.Value == key).Value;

    private static YamlNode? ItemOf(YamlSequenceNode sequence, string index)
    {
        int i = int.Parse(index, CultureInfo.InvariantCulture);
        return i < sequence.Children.Count ? sequence.Children[i] : null;
    }

    [GeneratedRegex(@"(?<key>[^.\[\]]+)|\[(?<index>\d{1,9})\]")]
    private static partial Regex StepPattern();
}
