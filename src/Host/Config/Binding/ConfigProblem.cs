namespace Pipeline.Host.Config.Binding;

/// <summary>
/// One thing wrong with the configuration, and where: a file position, or a <c>--set</c> override for values
/// given on the command line.
/// </summary>
/// <param name="File">
/// The config file as the user named it, <c>--set &lt;path&gt;</c> for a command-line override, or empty when the
/// problem has no location.
/// </param>
/// <param name="Line">1-based line; 0 when unknown.</param>
/// <param name="Column">1-based column; 0 when unknown.</param>
/// <param name="Text">What is wrong, as a sentence the user can act on (no position in it).</param>
public sealed record ConfigProblem(string File, int Line, int Column, string Text)
{
    /// <summary>The position part of the message: <c>file:line:col</c>, or just <c>file</c> when the line is unknown.</summary>
    public string Position => Line > 0 ? $"{File}:{Line}:{Column}" : File;

    /// <summary>
    /// The line the CLI prints: <c>file:line:col: text</c>, <c>file: text</c> without a position, or just the text
    /// when <see cref="File"/> is empty (a problem about no file in particular, such as a missing config file).
    /// </summary>
    public override string ToString() => File.Length == 0 ? Text : $"{Position}: {Text}";
}
