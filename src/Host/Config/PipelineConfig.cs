namespace Pipeline.Host.Config;

/// <summary>A whole training pipeline as declared in YAML: run settings, plugins, model, data and stages.</summary>
public sealed record PipelineConfig : Pipeline.Contracts.Options.IValidatableOptions
{
    /// <summary>Run-wide settings: output directory, seed, device.</summary>
    public RunOptions Run { get; init; } = new();

    /// <summary>Extra plugin directories (relative to the YAML file), searched after the built-in and <c>plugins/</c> folders.</summary>
    public List<string> Plugins { get; init; } = [];

    /// <summary>
    /// A plugin lock file (relative to the YAML file) that pins the SHA-256 of every plugin file outside the host's
    /// built-in folder; empty uses <c>plugins.lock</c> next to the YAML file when there is one.
    /// </summary>
    public string PluginsLock { get; init; } = "";

    /// <summary>The model: LLM dimensions, encoders, projector and adapters.</summary>
    public ModelConfig Model { get; init; } = new();

    /// <summary>Where samples come from and how text is tokenized.</summary>
    public DataConfig Data { get; init; } = new();

    /// <summary>Training stages, run in order; each starts from where the previous one ended.</summary>
    public List<StageConfig> Stages { get; init; } = [];

    public IEnumerable<Pipeline.Contracts.Options.OptionError> Validate()
    {
        if (Stages.Count == 0) yield return new("stages", "declare at least one stage");
        var duplicate = Stages.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) yield return new("stages", $"stage name '{duplicate.Key}' is used twice");
    }
}
