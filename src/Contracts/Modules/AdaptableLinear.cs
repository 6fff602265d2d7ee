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
/// Reduced precision (contracts 1.3): when the host stores the base weight in <c>bfloat16</c> or <c>float16</c> (a frozen
/// weight under <c>model.dtype</c>), the base product is computed in the weight's type from the input cast to it, the
/// deltas get the input widened to float32 (<see cref="ReducedPrecision.Widen"/>), base and deltas are summed in float32,
/// and the output has the input's type. With float32 weights nothing is cast and the result is as before.
/// </para>
/// </summary>
public sealed class AdaptableLinear : nn.Module<Tensor, Tensor>, ILinearSite
{
    private readonly Parameter _weight;
    private readonly Parameter? _bias;
    private readonly List<(string Name, nn.Module<Tensor, Tensor> Delta)> _deltas = [];
    private readonly HashSet<string> _merged = [];

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
    public IReadOnlyList<string> AdapterNames => _deltas.Select(d => d.Name).ToList();

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dtype == _weight.dtype && !ReducedPrecision.IsReduced(input.dtype)) return ForwardInOneType(input);
        using var scope = NewDisposeScope();
        Tensor output = nn.functional.linear(ReducedPrecision.As(input, _weight.dtype), _weight, _bias);
        ScalarType sumType = ReducedPrecision.Widened(input.dtype);
        output = ReducedPrecision.As(output, sumType);
        Tensor widened = ReducedPrecision.Widen(input);
        foreach (var (name, delta) in _deltas)
        {
            if (_merged.Contains(name)) continue;
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
            if (_merged.Contains(name)) continue;
            Tensor sum = output;
            output = output + AdapterForwardException.Run(name, this, () => Checked(input, delta.call(input), sum));
        }
        return output;
    }

    private static Tensor Checked(Tensor input, Tensor delta, Tensor output) =>
        AttachedModuleOutput.Checked(input, delta, output.shape, output.device, "the projection's output");

    /// <inheritdoc />
    public void Attach(string adapterName, nn.Module<Tensor, Tensor> delta)
    {
        if (adapterName is "weight" or "bias")
            throw new InvalidOperationException(
                $"an adapter cannot be named '{adapterName}': 'weight' and 'bias' are reserved for the projection's own parameters; choose another name");
        if (_deltas.Any(d => d.Name == adapterName))
            throw new InvalidOperationException($"an adapter named '{adapterName}' is already attached here");
        register_module(adapterName, delta);
        _deltas.Add((adapterName, delta));
    }

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> GetDelta(string adapterName) =>
        _deltas.FirstOrDefault(d => d.Name == adapterName).Delta
        ?? throw new KeyNotFoundException($"no adapter named '{adapterName}' is attached here");

    /// <inheritdoc />
    public bool IsMerged(string adapterName) => _merged.Contains(adapterName);

    /// <inheritdoc />
    public void Merge(string adapterName)
    {
        if (_merged.Contains(adapterName)) throw new InvalidOperationException($"adapter '{adapterName}' is already merged");
        using var noGrad = no_grad();
        using var delta = MergeableDelta(adapterName).DeltaWeight();
        _weight.add_(delta.to(_weight.dtype));
        _merged.Add(adapterName);
    }

    /// <inheritdoc />
    public void Unmerge(string adapterName)
    {
        if (!_merged.Contains(adapterName)) throw new InvalidOperationException($"adapter '{adapterName}' is not merged");
        using var noGrad = no_grad();
        using var delta = MergeableDelta(adapterName).DeltaWeight();
        _weight.sub_(delta.to(_weight.dtype));
        _merged.Remove(adapterName);
    }

    private IMergeableLinearDelta MergeableDelta(string adapterName) =>
        GetDelta(adapterName) as IMergeableLinearDelta
        ?? throw new NotSupportedException($"adapter '{adapterName}' cannot be merged: its delta is not a single weight matrix");
}
