using Pipeline.Contracts.Adapters;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Contracts.Modules;

/// <summary>
/// A drop-in replacement for <c>nn.Linear</c> that adapters can extend (<see cref="ILinearSite"/>).
/// Its base parameters keep <c>nn.Linear</c>'s state-dict names (<c>weight</c>, <c>bias</c>), so checkpoints
/// written for the plain layer load unchanged; attached deltas appear as <c>&lt;adapter name&gt;.*</c>.
/// A delta that throws is reported as an <see cref="AdapterForwardException"/> naming its adapter, and so is a delta
/// whose result has another shape or device than the base output (contracts 1.4: even a shape that would broadcast), or,
/// while <see cref="NonFiniteOutputCheck"/> is on, non-finite values made from finite input.
/// Use it for every projection in a component that adapters should be able to target.
/// <para>
/// Contracts 1.6: it is also an <see cref="IWeightTransformSite"/> (adapters may replace <c>W</c> by a function of it, so
/// the projection still runs one matrix product) and an <see cref="ISwitchableAdapterSite"/> (the host switches an
/// adapter's deltas and transforms off in the stages before it trains).
/// </para>
/// <para>
/// Reduced precision (contracts 1.3): when the host stores the base weight in <c>bfloat16</c> or <c>float16</c> (a frozen
/// weight under <c>model.dtype</c>), the base product is computed in the weight's type from the input cast to it, the
/// deltas get the input widened to float32 (<see cref="ReducedPrecision.Widen"/>), base and deltas are summed in float32,
/// and the output has the input's type. With float32 weights nothing is cast and the result is as before.
/// </para>
/// </summary>
public sealed class AdaptableLinear : nn.Module<Tensor, Tensor>, IWeightTransformSite, ISwitchableAdapterSite
{
    private readonly Parameter _weight;
    private readonly Parameter? _bias;
    private readonly List<(string Name, nn.Module<Tensor, Tensor> Delta)> _deltas = [];
    private readonly List<(string Name, nn.Module<Tensor, Tensor> Transform)> _transforms = [];
    private readonly HashSet<string> _merged = [];
    private readonly HashSet<string> _inactive = [];
    // Merged adapters in merge order; a transform keeps the weight as it was before it (Unmerge puts that back exactly).
    private readonly List<(string Name, Tensor? WeightBefore)> _mergeOrder = [];

    /// <summary>Creates the layer with <c>nn.Linear</c>'s initialisation (Kaiming-uniform weight, uniform bias).</summary>
    public AdaptableLinear(int inFeatures, int outFeatures, bool hasBias = true, Device? device = null)
        : base(nameof(AdaptableLinear))
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        _weight = new Parameter(empty(outFeatures, inFeatures, device: device));
        nn.init.kaiming_uniform_(_weight, a: Math.Sqrt(5));
        register_parameter("weight", _weight);
        if (hasBias)
        {
            double bound = 1.0 / Math.Sqrt(inFeatures);
            _bias = new Parameter(empty(outFeatures, device: device));
            nn.init.uniform_(_bias, -bound, bound);
            register_parameter("bias", _bias);
        }
    }

    /// <inheritdoc />
    public int InFeatures { get; }

    /// <inheritdoc />
    public int OutFeatures { get; }

    /// <inheritdoc />
    public Tensor Weight => _weight;

    /// <summary>The base bias, or <c>null</c>.</summary>
    public Tensor? Bias => _bias;

    /// <inheritdoc />
    public IReadOnlyList<string> AdapterNames => _transforms.Select(t => t.Name).Concat(_deltas.Select(d => d.Name)).ToList();

    /// <inheritdoc />
    public IReadOnlyList<string> WeightTransformNames => _transforms.Select(t => t.Name).ToList();

    /// <summary>Whether any weight transform is active and not merged (a loop: it runs in every forward).</summary>
    private bool HasRunningTransform()
    {
        foreach (var (name, _) in _transforms)
            if (Runs(name)) return true;
        return false;
    }

    private bool Runs(string name) => !_merged.Contains(name) && !_inactive.Contains(name);

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        bool transforms = HasRunningTransform();
        if (!transforms && input.dtype == _weight.dtype && !ReducedPrecision.IsReduced(input.dtype)) return ForwardInOneType(input);
        using var scope = NewDisposeScope();
        Tensor output = transforms
            ? nn.functional.linear(ReducedPrecision.Widen(input), ReducedPrecision.As(TransformedWeight(), ReducedPrecision.Widened(input.dtype)),
                _bias is null ? null : ReducedPrecision.As(_bias, ReducedPrecision.Widened(input.dtype)))
            : nn.functional.linear(ReducedPrecision.As(input, _weight.dtype), _weight, _bias);
        ScalarType sumType = ReducedPrecision.Widened(input.dtype);
        output = ReducedPrecision.As(output, sumType);
        Tensor widened = ReducedPrecision.Widen(input);
        foreach (var (name, delta) in _deltas)
        {
            if (!Runs(name)) continue;
            Tensor sum = output;
            output = output + ReducedPrecision.As(AdapterForwardException.Run(name, this, () => Checked(widened, delta.call(widened), sum)), sumType);
        }
        return ReducedPrecision.As(output, input.dtype).MoveToOuterDisposeScope();
    }

    private Tensor ForwardInOneType(Tensor input)
    {
        Tensor output = nn.functional.linear(input, _weight, _bias);
        foreach (var (name, delta) in _deltas)
        {
            if (!Runs(name)) continue;
            Tensor sum = output;
            output = output + AdapterForwardException.Run(name, this, () => Checked(input, delta.call(input), sum));
        }
        return output;
    }

    /// <summary>The base weight (widened to float32 when stored in a reduced type) through every running transform, in attachment order.</summary>
    private Tensor TransformedWeight()
    {
        Tensor weight = ReducedPrecision.Widen(_weight);
        foreach (var (name, transform) in _transforms)
        {
            if (!Runs(name)) continue;
            Tensor current = weight;
            weight = AdapterForwardException.Run(name, this,
                () => AttachedModuleOutput.Checked(current, transform.call(current), current.shape, current.device, "the projection's weight"));
        }
        return weight;
    }

    private static Tensor Checked(Tensor input, Tensor delta, Tensor output) =>
        AttachedModuleOutput.Checked(input, delta, output.shape, output.device, "the projection's output");

    /// <inheritdoc />
    public void Attach(string adapterName, nn.Module<Tensor, Tensor> delta)
    {
        Register(adapterName, delta);
        _deltas.Add((adapterName, delta));
    }

    /// <inheritdoc />
    public void AttachWeightTransform(string adapterName, nn.Module<Tensor, Tensor> transform)
    {
        Register(adapterName, transform);
        _transforms.Add((adapterName, transform));
    }

    private void Register(string adapterName, nn.Module module)
    {
        if (adapterName is "weight" or "bias")
            throw new InvalidOperationException(
                $"an adapter cannot be named '{adapterName}': 'weight' and 'bias' are reserved for the projection's own parameters; choose another name");
        if (_deltas.Any(d => d.Name == adapterName) || _transforms.Any(t => t.Name == adapterName))
            throw new InvalidOperationException($"an adapter named '{adapterName}' is already attached here");
        register_module(adapterName, module);
    }

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> GetDelta(string adapterName) =>
        _deltas.FirstOrDefault(d => d.Name == adapterName).Delta
        ?? throw new KeyNotFoundException(_transforms.Any(t => t.Name == adapterName)
            ? $"adapter '{adapterName}' attached a weight transform here, not a delta"
            : $"no adapter named '{adapterName}' is attached here");

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> GetWeightTransform(string adapterName) =>
        _transforms.FirstOrDefault(t => t.Name == adapterName).Transform
        ?? throw new KeyNotFoundException(_deltas.Any(d => d.Name == adapterName)
            ? $"adapter '{adapterName}' attached a delta here, not a weight transform"
            : $"no adapter named '{adapterName}' is attached here");

    /// <inheritdoc />
    public void SetActive(string adapterName, bool active)
    {
        if (active)
        {
            if (_inactive.Contains(adapterName) && _transforms.Any(t => t.Name == adapterName) && _mergeOrder.Count > 0)
                throw new InvalidOperationException(
                    $"the weight transform of '{adapterName}' cannot be switched on while '{_mergeOrder[^1].Name}' is merged into the weight here " +
                    "(it would transform the merged weight); unmerge it first");
            _inactive.Remove(adapterName);
        }
        else if (_merged.Contains(adapterName))
            throw new InvalidOperationException($"adapter '{adapterName}' is merged into the weight here and cannot be switched off; unmerge it first");
        else if (_deltas.Any(d => d.Name == adapterName) || _transforms.Any(t => t.Name == adapterName)) _inactive.Add(adapterName);
    }

    /// <inheritdoc />
    public bool IsActive(string adapterName) => !_inactive.Contains(adapterName);

    /// <inheritdoc />
    public bool IsMerged(string adapterName) => _merged.Contains(adapterName);

    /// <inheritdoc />
    public void Merge(string adapterName)
    {
        if (_merged.Contains(adapterName)) throw new InvalidOperationException($"adapter '{adapterName}' is already merged");
        if (_inactive.Contains(adapterName))
            throw new InvalidOperationException($"adapter '{adapterName}' is switched off here, so merging it would change the output; switch it on first");
        if (_transforms.Any(t => t.Name == adapterName))
        {
            MergeTransform(adapterName);
            return;
        }
        var delta = MergeableDelta(adapterName);
        string? pending = _transforms.Select(t => t.Name).FirstOrDefault(Runs);
        if (pending is not null)
            throw new InvalidOperationException(
                $"adapter '{adapterName}' cannot be merged while the weight transform of '{pending}' is attached here and not merged: the transform would change the merged delta; merge '{pending}' first");
        using var noGrad = no_grad();
        using var matrix = delta.DeltaWeight();
        _weight.add_(matrix.to(_weight.dtype));
        _mergeOrder.Add((adapterName, null));
        _merged.Add(adapterName);
    }

    private void MergeTransform(string adapterName)
    {
        string? earlier = _transforms.TakeWhile(t => t.Name != adapterName).Select(t => t.Name).FirstOrDefault(Runs);
        if (earlier is not null)
            throw new InvalidOperationException(
                $"adapter '{adapterName}' cannot be merged before '{earlier}': weight transforms merge in the order they were attached, and '{earlier}' runs first");
        var transform = GetWeightTransform(adapterName);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor weight = ReducedPrecision.Widen(_weight.detach());
        // Checked as in forward: a result that would broadcast into the weight must not be merged silently.
        Tensor transformed = AdapterForwardException.Run(adapterName, this,
            () => AttachedModuleOutput.Checked(weight, transform.call(weight), weight.shape, weight.device, "the projection's weight"));
        // The copy outlives the caller's dispose scope: Unmerge may come from another one.
        Tensor before = _weight.detach().clone().DetachFromDisposeScope();
        _weight.copy_(transformed.to(_weight.dtype));
        _mergeOrder.Add((adapterName, before));
        _merged.Add(adapterName);
    }

    /// <inheritdoc />
    public void Unmerge(string adapterName)
    {
        if (!_merged.Contains(adapterName)) throw new InvalidOperationException($"adapter '{adapterName}' is not merged");
        int index = _mergeOrder.FindIndex(m => m.Name == adapterName);
        bool isTransform = _mergeOrder[index].WeightBefore is not null;
        // A transform restores the weight from before it, so nothing merged after it may still be in the weight; a delta
        // merged before a transform was transformed with the weight, so subtracting it alone would be wrong.
        var later = _mergeOrder.Skip(index + 1).Where(m => isTransform || m.WeightBefore is not null).Select(m => m.Name).ToList();
        if (later.Count > 0)
            throw new InvalidOperationException(
                $"adapter '{adapterName}' cannot be unmerged while '{later[^1]}', merged after it, is still merged" +
                (isTransform ? " (a weight transform is unmerged by restoring the weight from before it)" : " as a weight transform") +
                $": unmerge '{later[^1]}' first");
        using (no_grad())
        {
            if (_mergeOrder[index].WeightBefore is { } before)
            {
                _weight.copy_(before);
                before.Dispose();
            }
            else
            {
                using var delta = MergeableDelta(adapterName).DeltaWeight();
                _weight.sub_(delta.to(_weight.dtype));
            }
        }
        _mergeOrder.RemoveAt(index);
        _merged.Remove(adapterName);
    }

    private IMergeableLinearDelta MergeableDelta(string adapterName) =>
        GetDelta(adapterName) as IMergeableLinearDelta
        ?? throw new NotSupportedException($"adapter '{adapterName}' cannot be merged: its delta is not a single weight matrix");

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var (_, before) in _mergeOrder) before?.Dispose();
            _mergeOrder.Clear();
        }
        base.Dispose(disposing);
    }
}
