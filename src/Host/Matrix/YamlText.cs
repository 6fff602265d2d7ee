using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Matrix;

/// <summary>
/// Builds YAML for readers that resolve plain scalars by the YAML 1.1 rules (Kubernetes' reader among them): a string
/// that such a reader would take for a number, a boolean (<c>yes</c>, <c>on</c>, <c>n</c> included), a null, a
/// timestamp or a sexagesimal number is double-quoted; other strings are left to the emitter, which quotes them
/// when their characters need it.
/// </summary>
internal static partial class YamlText
{
    /// <summary>A string scalar that reads back as that string.</summary>
    public static YamlScalarNode String(string value) =>
        new(value) { Style = ReadsAsOtherType().IsMatch(value) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any };

    /// <summary>An integer scalar.</summary>
    public static YamlScalarNode Integer(int value) =>
        new(value.ToString(CultureInfo.InvariantCulture)) { Style = ScalarStyle.Plain };

    /// <summary>A block sequence of string scalars.</summary>
    public static YamlSequenceNode Strings(IEnumerable<string> values) => new(values.Select(v => (YamlNode)String(v)));

    /// <summary>The document as text, without a <c>...</c> end marker.</summary>
    public static string Write(YamlNode root)
    {
        var writer = new StringWriter { NewLine = "\n" };
        new YamlStream(new YamlDocument(root)).Save(new ImplicitDocumentEnd(new Emitter(writer)), assignAnchors: false);
        return writer.ToString();
    }

    [GeneratedRegex(
        @"^(|~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|=|<<" +
        @"|[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|[-+]?\.[0-9][0-9_]*([eE][-+]?[0-9]+)?" +
        @"|[-+]?0x[0-9a-fA-F_]+|[-+]?0o[0-7_]+|[-+]?0b[01_]+|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?" +
        @"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?)$")]
    private static partial Regex ReadsAsOtherType();

    /// <summary>Passes events through, ending the document implicitly (no <c>...</c> line).</summary>
    private sealed class ImplicitDocumentEnd(IEmitter inner) : IEmitter
    {
        public void Emit(ParsingEvent @event) => inner.Emit(@event is DocumentEnd ? new DocumentEnd(isImplicit: true) : @event);
    }
}
