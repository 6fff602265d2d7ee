namespace Pipeline.Host.Composition;

/// <summary>
/// A configuration names a plugin the catalog does not have, for example
/// <c>unknown adapter 'lorax'; known adapters: lora, mole</c>.
/// </summary>
public sealed class UnknownPluginException(string kind, string name, IReadOnlyList<string> knownNames)
    : Exception(FormatMessage(kind, name, knownNames))
{
    /// <summary>The plugin kind that was asked for.</summary>
    public string Kind { get; } = kind;

    /// <summary>The name that was not found.</summary>
    public string Name { get; } = name;

    /// <summary>The names of that kind the catalog does have, sorted.</summary>
    public IReadOnlyList<string> KnownNames { get; } = knownNames;

    private static string FormatMessage(string kind, string name, IReadOnlyList<string> knownNames) =>
        knownNames.Count == 0
            ? $"unknown {kind} '{name}'; no {kind}s are installed"
            : $"unknown {kind} '{name}'; known {kind}s: {string.Join(", ", knownNames)}";
}
