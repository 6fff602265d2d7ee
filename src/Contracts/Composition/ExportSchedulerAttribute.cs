namespace Pipeline.Contracts.Composition;

/// <summary>Exports a scheduler factory; the class must implement the scheduler factory interface.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ExportSchedulerAttribute(string name) : ExportPluginAttribute(PluginKind.Scheduler, name);
