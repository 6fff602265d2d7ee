using Pipeline.Host.Safetensors;
using Pipeline.Host.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Checkpoints;

/// <summary>
/// Copies a checkpoint's tensors into a module's state dict by name. Checkpoints may hold only the weights a run
/// trained: every other entry keeps the value the model was built with (the seeded initialisation, identical for the
/// same configuration), and the report lists it as missing.
/// </summary>
public static class ModelWeights
{
    /// <summary>
    /// Loads every tensor of <paramref name="checkpoint"/> whose name is a key of <paramref name="module"/>'s state
    /// dict, converted to that entry's type and device. Shapes are checked for all tensors before any is copied: a
    /// mismatch throws <see cref="InvalidDataException"/> listing them and leaves the module unchanged.
    /// </summary>
    public static WeightLoadReport Load(nn.Module module, SafetensorsCheckpoint checkpoint)
    {
        var targets = module.state_dict();
        var entries = checkpoint.Entries;
        var mismatched = entries.Values
            .Where(e => targets.TryGetValue(e.Name, out var target) && !target.shape.SequenceEqual(e.Shape))
            .Select(e => $"{e.Name} (checkpoint [{string.Join(", ", e.Shape)}], model [{string.Join(", ", targets[e.Name].shape)}])")
            .Order(StringComparer.Ordinal).ToList();
        if (mismatched.Count > 0)
            throw new InvalidDataException($"{checkpoint.Files[0]}: {mismatched.Count} tensors do not fit the model, was it trained " +
                $"with another configuration? {string.Join("; ", mismatched.Take(5))}{(mismatched.Count > 5 ? "; ..." : "")}");

        var loaded = new List<string>();
        foreach (string name in entries.Keys.Where(targets.ContainsKey).Order(StringComparer.Ordinal))
        {
            Tensor target = targets[name];
            // A tensor loop like any other: keep the collector from finalizing TorchSharp objects mid-call.
            FinalizerFence.Run(() =>
            {
                using var noGrad = no_grad();
                using var source = checkpoint.Read(name, target.dtype, target.device);
                target.copy_(source);
                return 0;
            });
            loaded.Add(name);
        }
        var missing = targets.Keys.Where(k => !entries.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var unexpected = entries.Keys.Where(k => !targets.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        return new WeightLoadReport(loaded, missing, unexpected);
    }
}
