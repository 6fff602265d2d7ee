using Pipeline.Host.Config.Binding;

namespace Pipeline.Host.Interop;

/// <summary>Builds the errors an export reports when the command line asks for something the model cannot give (exit code 2).</summary>
public static class ExportUsage
{
    /// <summary>A configuration error attributed to the command-line option <paramref name="option"/> (<c>--format</c>, <c>--out</c>).</summary>
    public static ConfigException Error(string option, string text) => new(new ConfigProblem(option, 0, 0, text));
}
