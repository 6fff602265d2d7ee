using Pipeline.Contracts.Adapters;

namespace Pipeline.Bench.MoleDispatch;

/// <summary>Stands in for the host's per-forward context, so MoLE computes and reports its balance loss as in training.</summary>
internal sealed class BenchForwardContext : IForwardContextAccessor
{
    public ForwardContext? Current { get; set; }
}
