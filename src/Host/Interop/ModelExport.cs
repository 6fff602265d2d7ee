using Pipeline.Host.Checkpoints;
using Pipeline.Host.Training;
using Pipeline.Host.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Host.Interop;

/// <summary>
/// <c>pipeline export</c>'s work: builds the model the YAML declares (pretrained weights included), loads a training
/// checkpoint's trained weights into it (a damaged checkpoint is refused before anything is written: see
/// <see cref="CheckpointIntegrity"/>), and writes the requested format.
/// </summary>
public static class ModelExport
{
    /// <summary>
    /// Exports and returns the files or directories written. Everything is written into a staging folder beside
    /// <c>--out</c> (<see cref="ExportStaging"/>) and renamed into place when complete, so <c>--out</c> never holds a
    /// partial export: a failure removes the staging folder and leaves <c>--out</c> as it was.
    /// </summary>
    /// <exception cref="Config.Binding.ConfigException">A command-line choice the model cannot satisfy, or an --out that cannot be written (exit code 2).</exception>
    public static IReadOnlyList<string> Run(PipelineDefinition definition, ExportOptions options, Action<string> log)
    {
        if (string.IsNullOrWhiteSpace(options.OutputDirectory)) throw ExportUsage.Error("--out", "is empty; name the directory to write");
        string output = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.OutputDirectory));
        if (File.Exists(output)) throw ExportUsage.Error("--out", $"'{output}' is a file; export into a new or empty directory");
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
            throw ExportUsage.Error("--out", $"'{output}' exists and is not an empty directory; export into a new or empty one");
        ExportStaging.RefuseUnwritable(output);
        if (options.Format == ExportFormat.Merged && options.Adapter is not null)
            throw ExportUsage.Error("--adapter", "does not apply to --format merged, which merges every adapter on the decoder");
        IReadOnlyList<string> selected = options.Format == ExportFormat.Merged ? [] : Selected(definition, options);
        string checkpoint = CheckpointLocation.Resolve(options.Checkpoint ?? definition.OutputDirectory);

        // The same vocabulary as training: the YAML's, the pretrained decoder's, or else the tokenizer's.
        int vocabulary = definition.Config.Model.Llm.VocabSize > 0 || PretrainedWeights.LlmVocabularySize(definition) is not null
            ? 1
            : DataFactory.Read(definition).Tokenizer.VocabularySize;
        using var built = ModelFactory.Build(definition, vocabulary, CPU);
        built.Model.eval();
        foreach (string line in built.LoadedWeights.SelectMany(r => r.Describe())) log(line);
        var loaded = ModelWeights.Load(built.Model, checkpoint).RefuseUnexpected();
        log($"checkpoint '{checkpoint}': {loaded.Loaded.Count} trained tensors loaded");
        RefuseUntrained(built, definition, options.Format == ExportFormat.Merged ? MergedLlamaExporter.DecoderAdapters(built).Select(a => a.Name).ToList() : selected, checkpoint);

        var written = ExportStaging.Write(output, staging => options.Format switch
        {
            ExportFormat.Peft => Peft(built, definition, selected[0], options, staging),
            ExportFormat.Adapters => PipelineAdapterExporter.Write(built, definition, selected, staging, options.FloatType),
            _ => MergedLlamaExporter.Write(built, PluginOf(definition), MergedLlamaExporter.PretrainedConfig(definition), staging, log,
                options.FloatType, options.MaxShardBytes),
        });
        foreach (string path in written) log($"wrote {path}");
        return written;
    }

    /// <summary>
    /// Refuses to export an adapter that had not started training at the checkpoint (its stage comes before the first stage
    /// that trains it): training did not run it there, and its values are still those it was built with.
    /// </summary>
    private static void RefuseUntrained(BuiltModel built, PipelineDefinition definition, IReadOnlyList<string> adapters, string checkpoint)
    {
        var stages = definition.Config.Stages;
        if (CheckpointAdapterActivity.StageIndex(checkpoint, stages.Count) is not { } stage) return;
        var activity = new AdapterActivity(stages, built.Adapters.Select(a => a.Name));
        string? name = activity.Apply(built.Model, stage).Intersect(adapters).FirstOrDefault();
        if (name is null) return;
        throw new InvalidOperationException(
            $"adapter '{name}' has not trained at checkpoint '{checkpoint}': it was written in stage '{stages[stage].Name}', and the first " +
            $"stage that trains '{name}' is '{stages[activity.FirstTrainingStage(name)!.Value].Name}'; export a checkpoint of that stage or later");
    }

    private static IReadOnlyList<string> Peft(BuiltModel built, PipelineDefinition definition, string adapterName, ExportOptions options, string output)
    {
        var adapter = built.Adapters.First(a => a.Name == adapterName);
        string plugin = PluginOf(definition)(adapter.Name);
        string? BaseModel(string component) =>
            options.BaseModel
            ?? (definition.Config.Model.Weights.TryGetValue(component, out var weights) ? definition.Resolve(weights.Path) : null);
        return PeftLoraExporter.Write(built, adapter, plugin, output, BaseModel, options.FloatType);
    }

    private static Func<string, string> PluginOf(PipelineDefinition definition) =>
        adapter => definition.Adapters.First(a => a.InstanceName == adapter).PluginName;

    // Checked before the model is built, from the YAML's adapter names.
    private static IReadOnlyList<string> Selected(PipelineDefinition definition, ExportOptions options)
    {
        var names = definition.Adapters.Select(a => a.InstanceName).ToList();
        if (names.Count == 0) throw ExportUsage.Error("--format", "the model has no adapters to export; add them under model.adapters, or use --format merged");
        if (options.Adapter is not null && !names.Contains(options.Adapter))
            throw ExportUsage.Error("--adapter", $"no adapter '{options.Adapter}'; the model has: {string.Join(", ", names)}");
        if (options.Adapter is not null) return [options.Adapter];
        if (options.Format == ExportFormat.Peft && names.Count > 1)
            throw ExportUsage.Error("--adapter", $"the model has {names.Count} adapters ({string.Join(", ", names)}); name the one to write in PEFT's format");
        return names;
    }
}
