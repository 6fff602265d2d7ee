using Pipeline.Host.Checkpoints;
using Pipeline.Host.Config;
using Pipeline.Host.Config.Binding;
using Pipeline.Host.IO;
using Pipeline.Host.Reporting;

namespace Pipeline.Host.Pipelines;

/// <summary>
/// Checks, before the data is read, that every place a command will write can be written (<see cref="WritableLocation"/>):
/// <c>run.output_dir</c> and what a run keeps in it (<c>checkpoints/</c>, <c>tensorboard/</c>, <c>metrics.jsonl</c>,
/// <c>summary.json</c>, ...), and <c>data.cache_dir</c>. A problem is a configuration error (exit code 2) located at the
/// YAML key (or the <c>--set</c> override) that chose the place; nothing is created or changed.
/// </summary>
public static class OutputLocations
{
    /// <summary>Files a training run writes or moves aside in its output directory.</summary>
    public static IReadOnlyList<string> RunFiles { get; } = ["metrics.jsonl", "summary.json", "tokenizer.words.json"];

    /// <summary>Refuses a training run whose output directory, checkpoints, TensorBoard folder, metrics or cache folder cannot be written.</summary>
    /// <exception cref="ConfigException">A location cannot be written; the message names the key and the path.</exception>
    public static void CheckTraining(PipelineDefinition definition)
    {
        var run = definition.Config.Run;
        string output = definition.OutputDirectory;
        RefuseFolder(definition, output, "run.output_dir", "the run's output folder");
        if (run.Checkpoint.Enabled) RefuseFolder(definition, CheckpointLocation.Folder(output), "run.output_dir", "where the run keeps its checkpoints");
        if (run.Tensorboard) RefuseFolder(definition, Path.Combine(output, TensorBoardWriter.FolderName), "run.output_dir", "where the run writes TensorBoard event files");
        foreach (string name in RunFiles) RefuseFile(definition, Path.Combine(output, name), "run.output_dir");
        RefuseDataFolder(definition, output);
        CheckCache(definition);
    }

    /// <summary>
    /// Refuses an output directory that is the folder of a data file or of the media (<c>data.llava.*</c>), or where the
    /// run would write over the configuration itself: the run's charts (<c>loss.png</c>, ...) would replace media of the
    /// same name, and its files would mix with the data.
    /// </summary>
    private static void RefuseDataFolder(PipelineDefinition definition, string output)
    {
        var written = RunFiles.Concat(MetricsPlotter.FileNames).Select(name => Path.Combine(output, name)).ToHashSet(StringComparer.Ordinal);
        string yaml = Path.GetFullPath(definition.Document.Path);
        if (written.Contains(yaml)) throw Error(definition, "run.output_dir", $"'{output}' would have the run write over the configuration '{yaml}'", "Choose another run.output_dir");
        var data = definition.Config.Data;
        if (data.Source != DataSource.LlavaJson) return;
        var llava = data.Llava;
        var folders = new (string Key, string Path, bool IsFile)[]
        {
            ("data.llava.train", llava.Train, true), ("data.llava.eval", llava.Eval, true), ("data.llava.pretrain", llava.Pretrain, true),
            ("data.llava.media_root", llava.MediaRoot, false),
        };
        foreach (var (key, path, isFile) in folders.Where(f => f.Path.Length > 0))
        {
            string resolved = definition.Resolve(path);
            string folder = Path.TrimEndingDirectorySeparator(isFile ? Path.GetDirectoryName(resolved)! : resolved);
            if (folder == Path.TrimEndingDirectorySeparator(output))
                throw Error(definition, "run.output_dir", $"'{output}' is the folder of {key} ('{path}'); the run's files would mix with the data " +
                    $"and its charts ({string.Join(", ", MetricsPlotter.FileNames)}) would replace media of the same names", "Give the run a folder of its own");
        }
    }

    /// <summary>Refuses an evaluation whose record file (<c>run.output_dir/eval.jsonl</c>) cannot be written.</summary>
    /// <exception cref="ConfigException">The output folder or the record file cannot be written.</exception>
    public static void CheckEvaluation(PipelineDefinition definition, string recordFileName)
    {
        RefuseFolder(definition, definition.OutputDirectory, "run.output_dir", "where the evaluation record goes");
        RefuseFile(definition, Path.Combine(definition.OutputDirectory, recordFileName), "run.output_dir");
        CheckCache(definition);
    }

    /// <summary>
    /// Refuses a <c>data.cache_dir</c> (or, when it is empty, a system temporary folder) that cannot hold the split files
    /// of conversation data; generated data needs no cache.
    /// </summary>
    public static void CheckCache(PipelineDefinition definition)
    {
        var data = definition.Config.Data;
        if (data.Source != DataSource.LlavaJson) return;
        string folder = string.IsNullOrEmpty(data.CacheDir) ? Path.GetTempPath() : definition.Resolve(data.CacheDir);
        string purpose = string.IsNullOrEmpty(data.CacheDir)
            ? "the system temporary folder, where the tokenised samples go while data.cache_dir is empty"
            : "where the tokenised samples go";
        RefuseFolder(definition, folder, "data.cache_dir", purpose);
    }

    private static void RefuseFolder(PipelineDefinition definition, string folder, string key, string purpose)
    {
        if (WritableLocation.FolderProblem(folder) is string problem) throw Error(definition, key, $"'{folder}' ({purpose}) {problem}");
    }

    private static void RefuseFile(PipelineDefinition definition, string file, string key)
    {
        if (WritableLocation.FileProblem(file) is string problem) throw Error(definition, key, $"'{file}' {problem}");
    }

    private static ConfigException Error(PipelineDefinition definition, string key, string text, string? advice = null)
    {
        string[] path = key.Split('.');
        var node = YamlLocator.Find(definition.Document.Root, path.Cast<object>().ToArray());
        return definition.Document.ErrorAt(node, $"{key}: {text}; nothing was changed. {advice ?? $"Choose another {key} or make the place writable"}");
    }
}
