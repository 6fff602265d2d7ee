using Pipeline.Contracts.Modules;
using Pipeline.Host.Config;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Host.Training;

/// <summary>
/// Stores frozen weights in reduced precision (YAML <c>model.dtype</c>, <c>model.dtypes</c>). At the start of a stage,
/// every base parameter the stage freezes takes its component's type, and every parameter it trains is float32;
/// adapter and projector parameters are always float32. A weight stored reduced and trained by a later stage goes back
/// to float32 with its rounded value: the rounding (at most 2^-8 relative for bfloat16) is not undone.
/// </summary>
public sealed class FrozenWeightPrecision
{
    private readonly nn.Module _model;
    private readonly ParameterInventory _inventory;
    private readonly ModelConfig _config;

    /// <param name="model">The model whose parameters <paramref name="inventory"/> lists (names relative to it).</param>
    /// <param name="inventory">The model's parameters; replaced parameters are updated in it.</param>
    /// <param name="config">The model configuration holding <c>dtype</c> and <c>dtypes</c>.</param>
    public FrozenWeightPrecision(nn.Module model, ParameterInventory inventory, ModelConfig config)
    {
        _model = model;
        _inventory = inventory;
        _config = config;
    }

    /// <summary>
    /// The type parameter <paramref name="name"/> is stored in during a stage whose <c>trainable</c> list is
    /// <paramref name="trainable"/>: float32 for adapters, projectors and what the stage trains, else its component's type.
    /// </summary>
    public static ScalarType StoredDtype(ParameterInventory inventory, ModelConfig config, string name, IReadOnlyList<string> trainable)
    {
        string component = ParameterInventory.ComponentOf(name);
        if (inventory.IsAdapter(name) || component == "projectors" || inventory.IsTrainableIn(name, trainable)) return ScalarType.Float32;
        return config.DtypeOf(component).ToScalarType();
    }

    /// <summary>
    /// Converts the parameters whose type differs from <see cref="StoredDtype"/> for a stage training
    /// <paramref name="trainable"/>; returns how many changed. Parameters of other types (float64 in a test, say) that
    /// need no reduction are left as they are. A converted parameter is a new object without a gradient.
    /// </summary>
    public int Apply(IReadOnlyList<string> trainable) => Convert(name => StoredDtype(_inventory, _config, name, trainable));

    /// <summary>
    /// Before a resumed run loads its checkpoint: repeats the conversions of the stages before the one it resumes in
    /// (<paramref name="completedStages"/>, their <c>trainable</c> lists in order), so weights the checkpoint does not hold
    /// carry the same rounding as in the uninterrupted run, then returns every parameter to float32, so the weights the
    /// checkpoint holds load exactly. The resumed stage then converts as usual.
    /// </summary>
    public void ReplayBeforeResume(IEnumerable<IReadOnlyList<string>> completedStages)
    {
        foreach (var trainable in completedStages) Apply(trainable);
        Convert(_ => ScalarType.Float32);
    }

    private int Convert(Func<string, ScalarType> targetOf)
    {
        var changes = new List<(string Name, Parameter Parameter, ScalarType Dtype)>();
        foreach (var (name, parameter) in _inventory.All)
        {
            ScalarType target = targetOf(name);
            if (parameter.dtype == target || (!ReducedPrecision.IsReduced(target) && !ReducedPrecision.IsReduced(parameter.dtype))) continue;
            changes.Add((name, parameter, target));
        }
        if (changes.Count == 0) return 0;
        var owners = Owners();
        foreach (var (name, parameter, dtype) in changes)
        {
            var (owner, localName) = owners[name];
            _inventory.Replace(name, ParameterDtypeChange.Apply(owner, localName, parameter, dtype));
        }
        return changes.Count;
    }

    /// <summary>The components holding reduced-precision weights now, with their type (<c>llm bfloat16, vision float16</c>); <c>null</c> when none.</summary>
    public string? ReducedComponents()
    {
        var reduced = _inventory.All.Where(p => ReducedPrecision.IsReduced(p.Parameter.dtype))
            .Select(p => $"{ParameterInventory.ComponentOf(p.Name)} {WeightDtypes.Name(p.Parameter.dtype)}").Distinct().ToList();
        return reduced.Count == 0 ? null : string.Join(", ", reduced);
    }

    /// <summary>Every parameter's owning module and its name there, by full name.</summary>
    private Dictionary<string, (nn.Module Owner, string LocalName)> Owners()
    {
        var owners = new Dictionary<string, (nn.Module, string)>(StringComparer.Ordinal);
        foreach (var (prefix, module) in _model.named_modules().Prepend(("", _model)))
        {
            foreach (var (localName, _) in module.named_parameters(recurse: false))
                owners.TryAdd(prefix.Length == 0 ? localName : $"{prefix}.{localName}", (module, localName));
        }
        return owners;
    }
}
