using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Contracts.Adapters;

/// <summary>
/// A frozen projection <c>y = W x + b</c> that adapters extend with deltas: <c>y = W x + b + sum_a delta_a(x)</c>.
/// Deltas are keyed by adapter name, so several adapters can live on one projection.
/// </summary>
public interface ILinearSite
{
    /// <summary>Input features of <c>W</c>.</summary>
    int InFeatures { get; }

    /// <summary>Output features of <c>W</c>.</summary>
    int OutFeatures { get; }

    /// <summary>The base weight, <c>OutFeatures x InFeatures</c>.</summary>
    Tensor Weight { get; }

    /// <summary>The adapter names attached here, in attachment order.</summary>
    IReadOnlyList<string> AdapterNames { get; }

    /// <summary>
    /// Attaches <paramref name="delta"/> (input: <c>... x InFeatures</c>, output: <c>... x OutFeatures</c>)
    /// under <paramref name="adapterName"/>; it becomes a submodule, so its parameters enter the state dict
    /// as <c>&lt;site path&gt;.&lt;adapterName&gt;.*</c>. Throws if the name is taken, and for <c>weight</c> and
    /// <c>bias</c>, which are reserved for the projection's own parameters.
    /// </summary>
    void Attach(string adapterName, nn.Module<Tensor, Tensor> delta);

    /// <summary>The delta attached under <paramref name="adapterName"/>.</summary>
    nn.Module<Tensor, Tensor> GetDelta(string adapterName);

    /// <summary>
    /// Folds the delta of <paramref name="adapterName"/> into <c>W</c> and stops calling it. The delta must
    /// implement <see cref="IMergeableLinearDelta"/>. Throws if already merged.
    /// </summary>
    void Merge(string adapterName);

    /// <summary>Subtracts a merged delta from <c>W</c> again and resumes calling it. Throws if not merged.</summary>
    void Unmerge(string adapterName);

    /// <summary>Whether the delta of <paramref name="adapterName"/> is currently folded into <c>W</c>.</summary>
    bool IsMerged(string adapterName);
}
