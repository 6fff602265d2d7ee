using Pipeline.Contracts.Adapters;
using Pipeline.Host.Config;
using TorchSharp;

namespace Pipeline.Host.Training;

/// <summary>
/// Which adapters run in which stage: an adapter is switched off in the stages before the first stage that trains it
/// (whose <c>trainable</c> names <c>adapters</c> or the adapter's instance name) and on from that stage to the end of the
/// run; an adapter that no stage trains runs throughout (its values come from a checkpoint or an import). So an adapter
/// never runs, frozen, through a stage in which the weights under it train before it does.
/// </summary>
public sealed class AdapterActivity
{
    private readonly IReadOnlyDictionary<string, int?> _firstTrainingStage;

    /// <param name="stages">The pipeline's stages, in order.</param>
    /// <param name="adapterNames">The instance names of the model's adapters.</param>
    public AdapterActivity(IReadOnlyList<StageConfig> stages, IEnumerable<string> adapterNames)
    {
        _firstTrainingStage = adapterNames.ToDictionary(name => name, name =>
        {
            int index = stages.ToList().FindIndex(stage => Trains(stage, name));
            return index < 0 ? (int?)null : index;
        });
    }

    /// <summary>Whether <paramref name="stage"/> trains the adapter named <paramref name="adapterName"/>.</summary>
    public static bool Trains(StageConfig stage, string adapterName) =>
        stage.Trainable.Contains("adapters") || stage.Trainable.Contains(adapterName);

    /// <summary>The index of the first stage that trains the adapter; <c>null</c> when no stage does.</summary>
    public int? FirstTrainingStage(string adapterName) =>
        _firstTrainingStage.TryGetValue(adapterName, out int? first) ? first : throw new KeyNotFoundException($"no adapter named '{adapterName}'");

    /// <summary>Whether the adapter runs in the stage at <paramref name="stageIndex"/>.</summary>
    public bool IsActive(string adapterName, int stageIndex) =>
        _firstTrainingStage.TryGetValue(adapterName, out int? first)
            ? first is null || first <= stageIndex
            : throw new KeyNotFoundException($"no adapter named '{adapterName}'");

    /// <summary>The adapters whose first training stage is the one at <paramref name="stageIndex"/>.</summary>
    public IReadOnlyList<string> FirstTrainedIn(int stageIndex) =>
        _firstTrainingStage.Where(kv => kv.Value == stageIndex).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Switches every adapter on or off, on every <see cref="ISwitchableAdapterSite"/> of <paramref name="model"/>, as the
    /// stage at <paramref name="stageIndex"/> needs; returns the names switched off.
    /// </summary>
    public IReadOnlyList<string> Apply(torch.nn.Module model, int stageIndex)
    {
        var sites = model.named_modules().Select(m => m.module).Prepend(model).OfType<ISwitchableAdapterSite>().ToList();
        var off = new List<string>();
        foreach (string name in _firstTrainingStage.Keys.Order(StringComparer.Ordinal))
        {
            bool active = IsActive(name, stageIndex);
            if (!active) off.Add(name);
            foreach (var site in sites) site.SetActive(name, active);
        }
        return off;
    }
}
