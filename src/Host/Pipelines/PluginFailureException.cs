namespace Pipeline.Host.Pipelines;

/// <summary>A plugin threw while it was being built or run; the message names the plugin's kind and name.</summary>
public sealed class PluginFailureException(string kind, string name, string stage, Exception inner)
    : Exception($"{kind} plugin '{name}' failed {stage}: {inner.Message}", inner)
{
    public string Kind { get; } = kind;

    public string Name { get; } = name;
}
