namespace Pipeline.Contracts.Composition;

/// <summary>Exports an adapter factory; the class must implement the adapter factory interface.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ExportAdapterAttribute(string name) : ExportPluginAttribute(PluginKind.Adapter, name);
