namespace Pipeline.Contracts.Composition;

/// <summary>The kinds of plugin the host knows, as they appear in export metadata, YAML and <c>pipeline plugins</c>.</summary>
public static class PluginKind
{
    /// <summary>A feature encoder for one modality; the factory implements <see cref="Encoders.IEncoderFactory"/>.</summary>
    public const string Encoder = "encoder";

    /// <summary>A parameter-efficient adapter; the factory implements <see cref="Adapters.IAdapterFactory"/>.</summary>
    public const string Adapter = "adapter";

    /// <summary>A learning-rate schedule; the factory implements <see cref="Schedulers.ISchedulerFactory"/>.</summary>
    public const string Scheduler = "scheduler";

    /// <summary>Every kind, in the order the host lists them.</summary>
    public static readonly IReadOnlyList<string> All = [Encoder, Adapter, Scheduler];
}
