using Pipeline.Host.Config;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Host.Training;

/// <summary>
/// Knows what each model parameter is: which side it belongs to (<c>encoder</c> or <c>llm</c>), whether an adapter
/// added it, and which component owns it. Stages use it to freeze everything but what they train.
/// </summary>
public sealed class ParameterInventory
{
    /// <summary>The feature-encoder side: encoders, their adapters, projectors.</summary>
    public const string EncoderSide = "encoder";

    /// <summary>The LLM side: the LLM and its adapters.</summary>
    public const string LlmSide = "llm";

    private readonly List<(string Name, Parameter Parameter)> _all;
    private readonly HashSet<string> _adapterNames;
    private readonly IReadOnlyDictionary<string, string> _adapterOwners;

    /// <param name="all">Every named parameter of the model (after adapters were attached).</param>
    /// <param name="baseNames">The names that existed before adapters were attached.</param>
    /// <param name="adapterOwners">For adapter parameters, the name of the adapter (YAML <c>model.adapters</c> item) that added each; optional.</param>
    public ParameterInventory(IEnumerable<(string Name, Parameter Parameter)> all, IEnumerable<string> baseNames,
        IReadOnlyDictionary<string, string>? adapterOwners = null)
    {
        _all = all.ToList();
        var bases = baseNames.ToHashSet();
        _adapterNames = _all.Select(p => p.Name).Where(n => !bases.Contains(n)).ToHashSet();
        _adapterOwners = adapterOwners ?? new Dictionary<string, string>();
    }

    /// <summary>Every parameter with its name.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> All => _all;

    /// <summary>
    /// Puts <paramref name="replacement"/> in place of the parameter named <paramref name="name"/> (after a change of its
    /// type made a new parameter object, see <see cref="ParameterDtypeChange"/>).
    /// </summary>
    public void Replace(string name, Parameter replacement)
    {
        int index = _all.FindIndex(p => p.Name == name);
        if (index < 0) throw new KeyNotFoundException($"no parameter named '{name}'");
        _all[index] = (name, replacement);
    }

    /// <summary>Whether an adapter added the parameter.</summary>
    public bool IsAdapter(string name) => _adapterNames.Contains(name);

    /// <summary>The name of the adapter that added the parameter; <c>null</c> for base parameters or when it is not known.</summary>
    public string? AdapterOf(string name) => _adapterOwners.TryGetValue(name, out string? adapter) ? adapter : null;

    /// <summary>The side a parameter belongs to.</summary>
    public static string SideOf(string name) => name.StartsWith("llm.", StringComparison.Ordinal) ? LlmSide : EncoderSide;

    /// <summary>The component owning the parameter: <c>llm</c>, an encoder's name, or <c>projectors</c>.</summary>
    public static string ComponentOf(string name)
    {
        string[] parts = name.Split('.');
        return parts[0] == "encoders" ? parts[1] : parts[0];
    }

    /// <summary>
    /// Sets <c>requires_grad</c> so that only what <paramref name="trainable"/> names trains, and returns the trainable
    /// parameters. Throws <see cref="ArgumentException"/> for a word that names nothing.
    /// </summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> Select(IReadOnlyList<string> trainable, IReadOnlyCollection<string> encoderNames,
        IReadOnlyCollection<string>? adapterNames = null)
    {
        adapterNames ??= [];
        foreach (string word in trainable)
        {
            if (!StageConfig.TrainableGroups.Contains(word) && !encoderNames.Contains(word) && !adapterNames.Contains(word))
                throw new ArgumentException($"unknown trainable group '{word}'; use {string.Join(", ", StageConfig.TrainableGroups)}, an encoder name ({string.Join(", ", encoderNames)})" +
                    $" or an adapter name ({string.Join(", ", adapterNames)})");
        }
        var selected = new List<(string, Parameter)>();
        foreach (var (name, parameter) in _all)
        {
            bool trains = IsTrainableIn(name, trainable);
            parameter.requires_grad = trains;
            if (trains) selected.Add((name, parameter));
        }
        return selected;
    }

    /// <summary>
    /// Whether a stage whose <c>trainable</c> list is <paramref name="trainable"/> trains the parameter: adapter parameters
    /// with <c>adapters</c> or their adapter's instance name, the LLM's own with <c>llm</c>, projectors with
    /// <c>projectors</c>, an encoder's own with <c>encoders</c> or its name. Changes nothing (see <see cref="Select"/>).
    /// </summary>
    public bool IsTrainableIn(string name, IReadOnlyList<string> trainable)
    {
        if (IsAdapter(name)) return trainable.Contains("adapters") || (AdapterOf(name) is { } adapter && trainable.Contains(adapter));
        string component = ComponentOf(name);
        return component switch
        {
            "llm" => trainable.Contains("llm"),
            "projectors" => trainable.Contains("projectors"),
            _ => trainable.Contains("encoders") || trainable.Contains(component),
        };
    }

    /// <summary>Total and trainable scalar counts per component (adapters counted with the component they sit in).</summary>
    public IReadOnlyList<(string Component, long Total, long Trainable)> CountByComponent() =>
        _all.GroupBy(p => ComponentOf(p.Name))
            .Select(g => (g.Key, g.Sum(p => p.Parameter.numel()), g.Where(p => p.Parameter.requires_grad).Sum(p => p.Parameter.numel())))
            .ToList();
}
