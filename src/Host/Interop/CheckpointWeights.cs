using Pipeline.Host.Checkpoints;
using Pipeline.Host.IO;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Interop;

/// <summary>
/// Reads a training checkpoint's <see cref="CheckpointLocation.WeightsFileName"/> (model state-dict keys of the
/// weights the run trained) into a model built from the same YAML; everything else keeps what the build gave it.
/// </summary>
public static class CheckpointWeights
{
    /// <summary>
    /// Loads <paramref name="checkpointDirectory"/>'s weights into <paramref name="built"/> and returns the keys loaded.
    /// </summary>
    /// <exception cref="InvalidDataException">The file holds tensors the model does not have, or of another shape.</exception>
    public static IReadOnlyList<string> Load(BuiltModel built, string checkpointDirectory)
    {
        string path = Path.Combine(checkpointDirectory, CheckpointLocation.WeightsFileName);
        using var file = TransientFileRetry.Default.Execute(() => SafetensorsFile.Open(path));
        var targets = built.Model.state_dict();
        var unknown = file.Entries.Keys.Where(k => !targets.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var shapes = file.Entries.Values.Where(e => targets.TryGetValue(e.Name, out var t) && !t.shape.SequenceEqual(e.Shape))
            .Select(e => $"{e.Name} is [{string.Join(", ", e.Shape)}] in the checkpoint, [{string.Join(", ", targets[e.Name].shape)}] in the model")
            .ToList();
        if (unknown.Count > 0 || shapes.Count > 0)
            throw new InvalidDataException(
                $"'{path}' was not written by a model built from this configuration:" +
                (unknown.Count > 0 ? $"\n  tensors the model does not have: {WeightsMismatchException.Abbreviate(unknown, 10)}" : "") +
                (shapes.Count > 0 ? "\n  " + string.Join("\n  ", shapes.Take(10)) : ""));

        var loaded = file.Entries.Keys.Order(StringComparer.Ordinal).ToList();
        foreach (string key in loaded)
        {
            Tensor target = targets[key];
            FinalizerFence.Run(() =>
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                target.copy_(TransientFileRetry.Default.Execute(() => file.Read(key, target.dtype)));
                return 0;
            });
        }
        return loaded;
    }
}
