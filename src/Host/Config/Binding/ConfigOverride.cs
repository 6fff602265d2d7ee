using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Config.Binding;

/// <summary>
/// Applies one command-line override <c>a.b.c=VALUE</c> to a loaded document. Missing mapping keys along the path
/// are created (a YAML null on the way becomes an empty mapping); sequence items are addressed by index and must
/// exist. VALUE is parsed as a YAML node, and every node it creates is marked as coming from the override.
/// </summary>
internal static class ConfigOverride
{
    /// <summary>Applies <paramref name="assignment"/> (<c>path=value</c>) to <paramref name="document"/>.</summary>
    /// <exception cref="ConfigException">The assignment is malformed or its path cannot be walked.</exception>
    public static void Apply(YamlConfigDocument document, string assignment)
    {
        int equals = assignment.IndexOf('=');
        if (equals < 0) throw Fail(assignment, "expected PATH=VALUE, for example training.lr=1e-4");
        string path = assignment[..equals].Trim();
        if (path.Length == 0) throw Fail(assignment, "the key path before '=' is empty");
        string[] segments = path.Split('.');
        if (segments.Any(s => s.Length == 0)) throw Fail(assignment, $"the key path '{path}' has an empty part");

        YamlNode value = ParseValue(assignment, assignment[(equals + 1)..]);
        Assign(document, path, value, document.MarkOverride, text => Fail(assignment, text));
    }

    /// <summary>
    /// Sets the key at <paramref name="path"/> (dotted, sequence items by index) to <paramref name="value"/>, creating
    /// missing mappings on the way. <paramref name="mark"/> is called with the value and with every node the walk
    /// creates, and the key path it sits at, so the document can locate errors in them; <paramref name="fail"/> makes
    /// the exception for a path that cannot be walked.
    /// </summary>
    internal static void Assign(YamlConfigDocument document, string path, YamlNode value, Action<YamlNode, string> mark, Func<string, ConfigException> fail)
    {
        string[] segments = path.Split('.');
        if (path.Length == 0 || segments.Any(s => s.Length == 0)) throw fail($"the key path '{path}' has an empty part");
        mark(value, path);
        YamlNode container = document.Root;
        string walked = "";
        for (int i = 0; i < segments.Length; i++)
        {
            string segment = segments[i];
            bool isLast = i == segments.Length - 1;
            YamlNode? next = isLast ? value : null;
            container = container switch
            {
                YamlMappingNode mapping => Step(mark, mapping, segment, next, YamlNodeText.ChildPath(walked, segment)),
                YamlSequenceNode sequence => Step(mark, sequence, IndexOf(fail, segment, walked, sequence), next,
                    YamlNodeText.ChildPath(walked, segment)),
                _ => throw fail($"cannot set '{segment}' inside {walked}: it holds the value {YamlNodeText.Describe(container)}, not a mapping"),
            };
            walked = YamlNodeText.ChildPath(walked, segment);
        }
    }

    /// <summary>Sets (when <paramref name="value"/> is given) or walks into the entry <paramref name="key"/>.</summary>
    private static YamlNode Step(Action<YamlNode, string> mark, YamlMappingNode mapping, string key, YamlNode? value, string path)
    {
        YamlNode? existingKey = mapping.Children.Keys.FirstOrDefault(k => k is YamlScalarNode s && s.Value == key);
        if (value is not null)
        {
            if (existingKey is null)
            {
                existingKey = new YamlScalarNode(key);
                mark(existingKey, path);
            }
            mapping.Children[existingKey] = value;
            return value;
        }

        if (existingKey is not null && !YamlNodeText.IsNull(mapping.Children[existingKey])) return mapping.Children[existingKey];
        if (existingKey is null)
        {
            existingKey = new YamlScalarNode(key);
            mark(existingKey, path);
        }
        var created = new YamlMappingNode();
        mark(created, path);
        mapping.Children[existingKey] = created;
        return created;
    }

    /// <summary>Replaces (when <paramref name="value"/> is given) or walks into item <paramref name="index"/>.</summary>
    private static YamlNode Step(Action<YamlNode, string> mark, YamlSequenceNode sequence, int index, YamlNode? value, string path)
    {
        if (value is not null)
        {
            sequence.Children[index] = value;
            return value;
        }

        if (!YamlNodeText.IsNull(sequence.Children[index])) return sequence.Children[index];
        var created = new YamlMappingNode();
        mark(created, path);
        sequence.Children[index] = created;
        return created;
    }

    private static int IndexOf(Func<string, ConfigException> fail, string segment, string walked, YamlSequenceNode sequence)
    {
        if (segment.All(char.IsAsciiDigit) && !int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            throw fail($"index {segment} is out of range ({walked} has {YamlNodeText.Items(sequence.Children.Count)})");
        if (!int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            throw fail($"'{segment}' is not an index, but {walked} is a sequence; use a number such as {walked}.0");
        if (index >= sequence.Children.Count)
            throw fail(
                $"index {index} is out of range ({walked} has {YamlNodeText.Items(sequence.Children.Count)})");
        return index;
    }

    private static YamlNode ParseValue(string assignment, string text)
    {
        var stream = YamlParsing.Load(text, (_, _, problem) => Fail(assignment, "the value " + problem.Replace("invalid YAML", "is not valid YAML")));
        return stream.Documents.Count switch
        {
            0 => new YamlScalarNode(""),
            1 => stream.Documents[0].RootNode,
            _ => throw Fail(assignment, "the value holds more than one YAML document"),
        };
    }

    /// <summary>A problem with <paramref name="assignment"/>, which is shortened in the message when long.</summary>
    private static ConfigException Fail(string assignment, string text) =>
        new("--set " + (assignment.Length > MaxShownLength ? assignment[..(MaxShownLength - 3)] + "..." : assignment), 0, 0, text);

    private const int MaxShownLength = 80;
}
