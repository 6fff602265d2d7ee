namespace Pipeline.Contracts.Composition;

/// <summary>Exports an encoder factory; the class must implement the encoder factory interface.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ExportEncoderAttribute(string name) : ExportPluginAttribute(PluginKind.Encoder, name);
