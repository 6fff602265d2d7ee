namespace Pipeline.Host.Composition;

/// <summary>
/// A plugin file or export the catalog could not accept. Problems never stop other plugins from loading;
/// <c>pipeline plugins</c> prints them as warnings.
/// </summary>
/// <param name="AssemblyPath">The full path of the file the problem is about.</param>
/// <param name="Message">What is wrong, without the path (for example "not a .NET assembly (...)").</param>
public sealed record PluginLoadProblem(string AssemblyPath, string Message)
{
    /// <summary>The problem as one line: <c>&lt;path&gt;: &lt;message&gt;</c>.</summary>
    public override string ToString() => $"{AssemblyPath}: {Message}";
}
