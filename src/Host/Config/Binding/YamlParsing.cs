using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Core.Tokens;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Config.Binding;

/// <summary>
/// Parses YAML text into nodes with positions, within limits a hostile file cannot get past: nesting deeper than
/// <see cref="MaxDepth"/> (which would overflow the stack of YamlDotNet's recursive loader) and aliases that expand to
/// more than <see cref="MaxExpandedNodes"/> values (a "billion laughs" document) are refused. Failures are located:
/// a tab in the indentation at the tab itself, an unclosed flow collection at its bracket.
/// </summary>
internal static class YamlParsing
{
    /// <summary>The deepest nesting of mappings and sequences accepted; a pipeline uses fewer than ten levels.</summary>
    public const int MaxDepth = 64;

    /// <summary>The most values the document may hold once every alias is expanded.</summary>
    public const int MaxExpandedNodes = 1_000_000;

    private const string TabInIndentation = "invalid YAML: a tab in the indentation; tabs are not allowed for indentation, indent with spaces";

    /// <summary>
    /// Parses <paramref name="text"/>; <paramref name="fail"/> makes the exception for a problem at a 1-based line and
    /// column (0 when unknown) with its text.
    /// </summary>
    public static YamlStream Load(string text, Func<int, int, string, ConfigException> fail)
    {
        var parser = new PositionTrackingParser(new Parser(new StringReader(text)), fail);
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e) when (e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FindTab(text, e.Start) is var (line, column))
        {
            throw fail(line, column, TabInIndentation);
        }
        catch (YamlException e)
        {
            throw fail((int)e.Start.Line, (int)e.Start.Column, $"invalid YAML: {e.Message}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails without a position on some unterminated flow nodes ("a: [1, 2" followed by
            // more lines); point at the innermost flow collection still open, or else at the last node read.
            if (parser.InnermostOpenFlow is { } open)
                throw fail((int)open.Start.Line, (int)open.Start.Column, $"invalid YAML: this '{open.Bracket}' is never closed");
            Mark last = parser.LastEventEnd;
            throw fail((int)last.Line, (int)last.Column, "invalid YAML after this point; check for an unclosed '[', '{' or quote");
        }

        RejectTabIndentation(text, fail);
        foreach (YamlDocument document in stream.Documents) CheckExpansion(document.RootNode, fail);
        return stream;
    }

    /// <summary>
    /// Refuses a tab in the indentation of a block-context line that YamlDotNet let through (a tab before a top-level
    /// key, say): YAML forbids it, and the user meant spaces of some unknown width. Tabs inside flow collections, after
    /// the first token of a line and inside block scalars are separators or content, and allowed.
    /// </summary>
    private static void RejectTabIndentation(string text, Func<int, int, string, ConfigException> fail)
    {
        if (!text.Contains('\t')) return;
        string[] lines = text.Split('\n');
        var scanner = new Scanner(new StringReader(text), skipComments: true);
        int flowLevel = 0;
        long lastLine = 0;
        while (MoveNext(scanner))
        {
            Token token = scanner.Current!;
            if (token is YamlDotNet.Core.Tokens.StreamStart or YamlDotNet.Core.Tokens.StreamEnd) continue;
            int line = (int)token.Start.Line;
            if (flowLevel == 0 && line > lastLine && line <= lines.Length)
            {
                string indentation = lines[line - 1][..Math.Min(lines[line - 1].Length, Math.Max(0, (int)token.Start.Column - 1))];
                int tab = indentation.IndexOf('\t');
                if (tab >= 0 && indentation.Trim(' ', '\t').Length == 0)
                    throw fail(line, tab + 1, TabInIndentation);
            }
            lastLine = Math.Max(lastLine, token.End.Line);
            if (token is FlowSequenceStart or FlowMappingStart) flowLevel++;
            else if (token is FlowSequenceEnd or FlowMappingEnd && flowLevel > 0) flowLevel--;
        }
    }

    /// <summary>
    /// The tab the scanner complains about: the first tab in a line's leading whitespace from the error's line on, else
    /// the first tab from the error's position on, else the first tab of the text.
    /// </summary>
    private static (int Line, int Column)? FindTab(string text, Mark from)
    {
        string[] lines = text.Split('\n');
        int first = Math.Max(0, (int)from.Line - 1);
        for (int i = first; i < lines.Length; i++)
        {
            string indentation = lines[i][..(lines[i].Length - lines[i].TrimStart(' ', '\t').Length)];
            int tab = indentation.IndexOf('\t');
            if (tab >= 0) return (i + 1, tab + 1);
        }
        for (int i = first; i < lines.Length; i++)
        {
            int tab = lines[i].IndexOf('\t', i == first ? Math.Max(0, (int)from.Column - 1) : 0);
            if (tab >= 0) return (i + 1, tab + 1);
        }
        for (int i = 0; i < lines.Length; i++)
            if (lines[i].IndexOf('\t') is var tab and >= 0) return (i + 1, tab + 1);
        return null;
    }

    /// <summary>The next token; the text has parsed already, so a scanner failure here only ends the check.</summary>
    private static bool MoveNext(Scanner scanner)
    {
        try
        {
            return scanner.MoveNext();
        }
        catch (YamlException)
        {
            return false;
        }
    }

    /// <summary>Refuses a document whose aliases expand it beyond <see cref="MaxExpandedNodes"/>, at the innermost node that crosses the limit.</summary>
    private static void CheckExpansion(YamlNode root, Func<int, int, string, ConfigException> fail)
    {
        var sizes = new Dictionary<YamlNode, long>(ReferenceEqualityComparer.Instance);
        // Children come before their parents in a post-order walk; an alias is the same node object, counted once per use.
        foreach (YamlNode node in PostOrder(root))
        {
            long size = 1;
            switch (node)
            {
                case YamlMappingNode mapping:
                    foreach (var (key, value) in mapping.Children) size += sizes[key] + sizes[value];
                    break;
                case YamlSequenceNode sequence:
                    foreach (YamlNode item in sequence.Children) size += sizes[item];
                    break;
            }
            if (size > MaxExpandedNodes)
                throw fail((int)node.Start.Line, (int)node.Start.Column,
                    $"invalid YAML: aliases (*name) expand this node to more than {MaxExpandedNodes} values; refusing it (use fewer or smaller aliases)");
            sizes[node] = size;
        }
    }

    private static IEnumerable<YamlNode> PostOrder(YamlNode root)
    {
        var done = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(YamlNode Node, bool Expanded)>();
        pending.Push((root, false));
        while (pending.Count > 0)
        {
            var (node, expanded) = pending.Pop();
            if (done.Contains(node)) continue;
            if (expanded)
            {
                done.Add(node);
                yield return node;
                continue;
            }
            pending.Push((node, true));
            IEnumerable<YamlNode> children = node switch
            {
                YamlMappingNode mapping => mapping.Children.SelectMany(entry => new[] { entry.Key, entry.Value }),
                YamlSequenceNode sequence => sequence.Children,
                _ => [],
            };
            foreach (YamlNode child in children) pending.Push((child, false));
        }
    }

    /// <summary>
    /// Remembers where the last event ended and which collections are open, to locate the few parser failures that carry
    /// no position, and refuses nesting deeper than <see cref="MaxDepth"/> before the loader recurses into it.
    /// </summary>
    private sealed class PositionTrackingParser(IParser inner, Func<int, int, string, ConfigException> fail) : IParser
    {
        private readonly Stack<(Mark Start, char? FlowBracket)> _openCollections = new();

        public Mark LastEventEnd { get; private set; } = Mark.Empty;

        /// <summary>The start and bracket of the innermost flow collection not yet closed, if any.</summary>
        public (Mark Start, char Bracket)? InnermostOpenFlow =>
            _openCollections.Where(c => c.FlowBracket is not null).Select(c => ((Mark, char)?)(c.Start, c.FlowBracket!.Value)).FirstOrDefault();

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            bool moved = inner.MoveNext();
            if (!moved || inner.Current is not { } current) return moved;
            LastEventEnd = current.End;
            switch (current)
            {
                case SequenceStart start: Open(start.Start, start.Style == SequenceStyle.Flow ? '[' : null); break;
                case MappingStart start: Open(start.Start, start.Style == MappingStyle.Flow ? '{' : null); break;
                case SequenceEnd or MappingEnd when _openCollections.Count > 0: _openCollections.Pop(); break;
            }
            return moved;
        }

        private void Open(Mark start, char? bracket)
        {
            _openCollections.Push((start, bracket));
            if (_openCollections.Count > MaxDepth)
                throw fail((int)start.Line, (int)start.Column, $"invalid YAML: nested deeper than {MaxDepth} levels; refusing it");
        }
    }
}
