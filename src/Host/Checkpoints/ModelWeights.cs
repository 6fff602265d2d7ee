using Pipeline.Host.IO;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Checkpoints;

/// <summary>
/// Loads a checkpoint's <c>model.safetensors</c> into a built model: the one call <c>train --resume</c>, evaluation and
/// export share. Build the model from the same pipeline YAML first (same seed, adapters attached), then load; the
/// report says which keys were loaded, which the file lacks and which the model lacks.
/// </summary>
public static class ModelWeights
{
    /// <summary>
    /// Copies every tensor of <paramref name="checkpoint"/>'s weights file into the state-dict entry of
    /// <paramref name="model"/> with the same key, converted to that entry's type and device.
    /// </summary>
    /// <param name="model">The built model (for the pipeline: <c>BuiltModel.Model</c>).</param>
    /// <param name="checkpoint">
    /// A checkpoint directory, or a run's output directory or checkpoints folder (then <c>latest</c> is used); see
    /// <see cref="CheckpointLocation.Resolve"/>.
    /// </param>
    /// <param name="retry">The retry policy for file reads; <see cref="TransientFileRetry.Default"/> when null.</param>
    /// <exception cref="FileNotFoundException">No checkpoint is found at <paramref name="checkpoint"/>.</exception>
    /// <exception cref="InvalidDataException">
    /// The checkpoint fails <see cref="CheckpointIntegrity.Verify"/> (not valid safetensors, a tensor that is not
    /// floating-point or holds a NaN or an infinity), or a tensor's shape differs from the model's; then nothing is loaded.
    /// </exception>
    public static WeightsLoadReport Load(nn.Module model, string checkpoint, TransientFileRetry? retry = null) =>
        Load(model, checkpoint, retry, verified: false);

    /// <summary>
    /// <see cref="Load(nn.Module, string, TransientFileRetry?)"/> for a checkpoint directory that <see cref="ResumePoint.Load"/>
    /// has verified already (<paramref name="verified"/>), so its files are not read twice.
    /// </summary>
    internal static WeightsLoadReport Load(nn.Module model, string checkpoint, TransientFileRetry? retry, bool verified)
    {
        retry ??= TransientFileRetry.Default;
        string directory = retry.Execute(() => CheckpointLocation.Resolve(checkpoint));
        if (!verified) CheckpointIntegrity.Verify(directory, retry);
        string path = Path.Combine(directory, CheckpointLocation.WeightsFileName);
        using var file = retry.Execute(() => SafetensorsFile.Open(path));
        var targets = model.state_dict();
        var loaded = new List<string>();
        var unexpected = new List<string>();
        foreach (var (name, entry) in file.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!targets.TryGetValue(name, out Tensor? target))
            {
                unexpected.Add(name);
                continue;
            }
            if (!entry.Shape.SequenceEqual(target.shape))
                throw new InvalidDataException($"'{path}': '{name}' has shape [{string.Join(", ", entry.Shape)}], the model's is [{string.Join(", ", target.shape)}]");
            loaded.Add(name);
        }
        foreach (string name in loaded)
        {
            Tensor target = targets[name];
            // The retried read does file I/O first and only then fills a fresh tensor with the bytes: no tensor math is retried.
            Tensor saved = retry.Execute(() => file.Read(name, target.dtype));
            using var noGrad = no_grad();
            using (saved) target.copy_(saved);
        }
        var inFile = file.Entries.Keys.ToHashSet(StringComparer.Ordinal);
        var missing = targets.Keys.Where(k => !inFile.Contains(k)).Order(StringComparer.Ordinal).ToList();
        return new WeightsLoadReport(directory, loaded, missing, unexpected);
    }
}
