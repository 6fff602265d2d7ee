using Pipeline.Contracts.Adapters;
using Pipeline.Host.Interop;
using Pipeline.Host.Modules.Multimodal;
using Pipeline.Host.Training;

namespace Pipeline.Host.Pipelines;

/// <summary>A model built from a pipeline definition, with its attached adapters and parameter inventory.</summary>
public sealed record BuiltModel(MultimodalModel Model, IReadOnlyList<IAdapter> Adapters, ParameterInventory Inventory) : IDisposable
{
    /// <summary>What loading <c>model.weights</c> found, one report per component.</summary>
    public IReadOnlyList<WeightsLoadReport> LoadedWeights { get; init; } = [];

    public void Dispose() => Model.Dispose();
}
