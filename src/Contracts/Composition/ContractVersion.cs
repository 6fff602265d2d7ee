namespace Pipeline.Contracts.Composition;

/// <summary>
/// The version of this contracts assembly. A plugin records the major version it was compiled against
/// in its export metadata (see <see cref="ExportPluginAttribute.ContractMajor"/>); the host refuses a
/// plugin whose major version differs from <see cref="Major"/>, and accepts any minor version.
/// </summary>
public static class ContractVersion
{
    /// <summary>Breaking changes to any contract type bump this number.</summary>
    public const int Major = 1;

    /// <summary>
    /// Additive changes (new optional members with defaults) bump this number. 1.5 added the typed factory base classes
    /// <see cref="Adapters.AdapterFactory{TOptions}"/>, <see cref="Encoders.EncoderFactory{TOptions}"/> and
    /// <see cref="Schedulers.SchedulerFactory{TOptions}"/>. 1.6 added weight transforms on projections
    /// (<see cref="Adapters.IWeightTransformSite"/>, <see cref="Adapters.IWeightDecomposedLowRankTransform"/>), adapters switched off
    /// before the first stage that trains them (<see cref="Adapters.ISwitchableAdapterSite"/>, <see cref="Adapters.IAdapterActivation"/>),
    /// a component's token embeddings (<see cref="Adapters.IAdaptableComponent.TokenEmbeddings"/>), and
    /// <see cref="Runtime.FinalizerFence"/> (moved from the host), which runs tensor work with garbage collection paused so
    /// that TorchSharp's implicitly created Scalars and tensors are not finalized while libtorch reads them. 1.7 added
    /// per-sample statistics that adapters report in evaluation forwards (<see cref="Adapters.ForwardContext.CollectsSampleStatistics"/>,
    /// <see cref="Adapters.ForwardContext.AddSampleStatistic"/>), which the host averages per sample category.
    /// </summary>
    public const int Minor = 7;
}
