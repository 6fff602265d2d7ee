namespace Pipeline.Host.Checkpoints;

/// <summary>
/// Where a run's checkpoints live: <c>{output_dir}/checkpoints/{name}/</c>, one directory per checkpoint, and
/// <c>{output_dir}/checkpoints/latest</c>, a one-line text file naming the newest complete checkpoint directory.
/// Every checkpoint directory holds <see cref="WeightsFileName"/>: the model's state-dict entries (keys
/// <c>llm.*</c>, <c>encoders.{name}.*</c>, <c>projectors.{name}.*</c>, adapter parameters under their sites) of
/// every weight the run has trained so far, in F32.
/// </summary>
public static class CheckpointLocation
{
    /// <summary>The folder under the output directory that holds checkpoints.</summary>
    public const string FolderName = "checkpoints";

    /// <summary>The pointer file naming the newest complete checkpoint.</summary>
    public const string LatestFileName = "latest";

    /// <summary>The weights file inside a checkpoint directory.</summary>
    public const string WeightsFileName = "model.safetensors";

    /// <summary><c>{outputDirectory}/checkpoints</c>.</summary>
    public static string Folder(string outputDirectory) => Path.Combine(outputDirectory, FolderName);

    /// <summary>
    /// Resolves <paramref name="path"/> to a checkpoint directory: a checkpoint directory itself (it holds
    /// <see cref="WeightsFileName"/>), or a run's output directory or checkpoints folder, whose <c>latest</c> names
    /// one. Throws <see cref="FileNotFoundException"/> saying what was looked for, or <see cref="InvalidDataException"/> for
    /// a <c>latest</c> that is empty or not a regular file.
    /// </summary>
    public static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        if (File.Exists(Path.Combine(full, WeightsFileName))) return full;
        foreach (string folder in new[] { Folder(full), full })
        {
            string latest = Path.Combine(folder, LatestFileName);
            if (!File.Exists(latest)) continue;
            NonEmptyFile.Require(latest);
            string name = File.ReadAllText(latest).Trim();
            string directory = Path.Combine(folder, name);
            if (name.Length == 0 || Path.GetFileName(name) != name || !File.Exists(Path.Combine(directory, WeightsFileName)))
                throw new FileNotFoundException($"'{latest}' names '{name}', which is not a checkpoint directory with {WeightsFileName}", latest);
            return directory;
        }
        throw new FileNotFoundException(
            $"'{path}' is not a checkpoint: it has no {WeightsFileName}, and neither it nor its {FolderName}/ folder has a '{LatestFileName}' file");
    }
}
