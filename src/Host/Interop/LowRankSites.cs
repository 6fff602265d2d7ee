using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Interop;
using Pipeline.Host.Pipelines;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Interop;

/// <summary>
/// One adapter's low-rank projections in one component, as PEFT's LoRA format needs them: the component's Hugging Face key
/// prefix and, per adapted projection, its path and tensors (a LoRA delta or a DoRA weight transform, see <see cref="LowRankSite"/>).
/// </summary>
/// <param name="Component">The component name.</param>
/// <param name="Prefix">Where the component sits in its Hugging Face model (<see cref="IHuggingFaceLayout.KeyPrefixes"/>[0]).</param>
/// <param name="Sites">Each adapted projection, in module order.</param>
/// <param name="AllSitePaths">Every projection path of the component (to decide how <c>target_modules</c> can name the adapted ones).</param>
public sealed record LowRankSites(string Component, string Prefix, IReadOnlyList<LowRankSite> Sites, IReadOnlyCollection<string> AllSitePaths)
{
    /// <summary>
    /// Collects <paramref name="adapter"/>'s projections per component, checking that the adapter is plain LoRA or DoRA: every
    /// module it attached is an <see cref="ILowRankLinearDelta"/> or an <see cref="IWeightDecomposedLowRankTransform"/>, it
    /// added no other tensors, and each adapted component has a Hugging Face layout. Throws an <c>--format</c> error naming
    /// the adapter and the reason otherwise.
    /// </summary>
    public static IReadOnlyList<LowRankSites> Of(BuiltModel built, IAdapter adapter, string pluginName)
    {
        string Refuse(string why) => $"adapter '{adapter.Name}' (plugin {pluginName}) cannot be written in PEFT's LoRA format: {why}; export it with --format adapters";
        var result = new List<LowRankSites>();
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, component) in built.Model.Components.OrderBy(c => c.Key == PretrainedWeights.Llm ? "" : c.Key, StringComparer.Ordinal))
        {
            var sites = new List<LowRankSite>();
            foreach (var (path, site) in component.LinearSites.Where(s => s.Value.AdapterNames.Contains(adapter.Name)))
            {
                string key = AdapterKeys.ComponentPrefix(name) + path + "." + adapter.Name + ".";
                if (Transform(site, adapter.Name) is { } transform)
                {
                    if (transform is not IWeightDecomposedLowRankTransform dora)
                        throw ExportUsage.Error("--format", Refuse($"its weight transform at {name}:{path} is not a DoRA (A, B, magnitude) transform"));
                    sites.Add(new LowRankSite(path, dora.A, dora.B, dora.Scale, 0, dora.Magnitude));
                    // The plugin names its parameters; the ones that are A, B or the magnitude are what PEFT's format holds.
                    foreach (var (local, tensor) in transform.state_dict())
                        if (Same(tensor, dora.A) || Same(tensor, dora.B) || Same(tensor, dora.Magnitude)) covered.Add(key + local);
                    continue;
                }
                if (site.GetDelta(adapter.Name) is not ILowRankLinearDelta delta)
                    throw ExportUsage.Error("--format", Refuse($"its delta at {name}:{path} is not a low-rank (A, B) pair"));
                sites.Add(new LowRankSite(path, delta.A, delta.B, delta.Scale, delta.Dropout, null));
                covered.Add(key + "lora_A.weight");
                covered.Add(key + "lora_B.weight");
            }
            if (sites.Count == 0) continue;
            if (component is not IHuggingFaceLayout layout)
                throw ExportUsage.Error("--format", Refuse($"component '{name}' has no Hugging Face layout to name its modules by"));
            result.Add(new LowRankSites(name, layout.KeyPrefixes[0], sites, component.LinearSites.Keys.ToList()));
        }
        var extra = AdapterKeys.Of(built, adapter.Name).Where(k => !covered.Contains(k)).ToList();
        if (extra.Count > 0)
            throw ExportUsage.Error("--format", Refuse($"it adds tensors other than lora_A, lora_B and a DoRA magnitude ({WeightsMismatchException.Abbreviate(extra, 3)})"));
        if (result.Count == 0)
            throw ExportUsage.Error("--format", Refuse("it adapts no projection"));
        return result;
    }

    /// <summary>The weight transform <paramref name="adapterName"/> attached at <paramref name="site"/>, or <c>null</c> when it attached a delta.</summary>
    private static nn.Module<Tensor, Tensor>? Transform(ILinearSite site, string adapterName)
    {
        if (site is not IWeightTransformSite transforms) return null;
        try
        {
            return transforms.GetWeightTransform(adapterName);
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
    }

    private static bool Same(Tensor a, Tensor b) => ReferenceEquals(a, b) || a.Handle == b.Handle;

    /// <summary>
    /// PEFT's <c>target_modules</c>: the projection names (<c>q_proj</c>) when the component is the whole Hugging Face
    /// model and those names select exactly the adapted projections; otherwise every adapted module's full name.
    /// </summary>
    public IReadOnlyList<string> TargetModules()
    {
        static string Last(string path) => path[(path.LastIndexOf('.') + 1)..];
        var adapted = Sites.Select(s => s.Path).ToHashSet(StringComparer.Ordinal);
        var names = adapted.Select(Last).ToHashSet(StringComparer.Ordinal);
        bool exact = Prefix.Length == 0 && AllSitePaths.Where(p => names.Contains(Last(p))).All(adapted.Contains);
        return (exact ? names : adapted.Select(p => Prefix + p)).Order(StringComparer.Ordinal).ToList();
    }
}
