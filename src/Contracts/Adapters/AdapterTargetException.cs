namespace Pipeline.Contracts.Adapters;

/// <summary>An adapter's target is wrong: a pattern matches nothing in its component, or the component does not exist.</summary>
public sealed class AdapterTargetException(string message) : Exception(message);
