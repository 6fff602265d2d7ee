using Pipeline.Host.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Host.Checkpoints;

/// <summary>
/// AdamW's per-parameter state keyed by parameter name: the moments as tensors <c>{name}.exp_avg</c>,
/// <c>{name}.exp_avg_sq</c> (and <c>{name}.max_exp_avg_sq</c> with AMSGrad), and the step counts. Keyed by name
/// rather than TorchSharp's positional <c>save_state_dict</c> format, so a checkpoint says what it holds and a
/// mismatch is reported by name. Restoring copies into the optimizer's own state tensors, bit for bit.
/// </summary>
public static class AdamWState
{
    /// <summary>Suffixes of the moment tensors.</summary>
    public const string ExpAvg = ".exp_avg", ExpAvgSq = ".exp_avg_sq", MaxExpAvgSq = ".max_exp_avg_sq";

    /// <summary>The live state tensors (not copies) and step counts of <paramref name="run"/>'s optimizer.</summary>
    public static (IReadOnlyList<(string Name, Tensor Tensor)> Tensors, IReadOnlyDictionary<string, long> Steps) Capture(StageRun run)
    {
        var tensors = new List<(string, Tensor)>();
        var steps = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, state) in States(run))
        {
            tensors.Add((name + ExpAvg, state.exp_avg));
            tensors.Add((name + ExpAvgSq, state.exp_avg_sq));
            if (state.max_exp_avg_sq is not null) tensors.Add((name + MaxExpAvgSq, state.max_exp_avg_sq));
            steps[name] = state.step;
        }
        return (tensors, steps);
    }

    /// <summary>
    /// Copies saved moments and step counts into <paramref name="run"/>'s optimizer. <paramref name="read"/> returns the
    /// saved tensor of a name, or <c>null</c> when absent. Throws <see cref="InvalidDataException"/> naming what is missing
    /// or has the wrong shape.
    /// </summary>
    public static void Restore(StageRun run, Func<string, Tensor?> read, IReadOnlyDictionary<string, long> steps, string source)
    {
        using var noGrad = no_grad();
        foreach (var (name, state) in States(run))
        {
            if (!steps.TryGetValue(name, out long step))
                throw new InvalidDataException($"{source}: no optimizer state for parameter '{name}'");
            Copy(read, name + ExpAvg, state.exp_avg, source);
            Copy(read, name + ExpAvgSq, state.exp_avg_sq, source);
            if (state.max_exp_avg_sq is not null) Copy(read, name + MaxExpAvgSq, state.max_exp_avg_sq, source);
            state.step = step;
        }
    }

    private static void Copy(Func<string, Tensor?> read, string key, Tensor target, string source)
    {
        using var scope = NewDisposeScope();
        Tensor saved = read(key) ?? throw new InvalidDataException($"{source}: no tensor '{key}'");
        if (!saved.shape.SequenceEqual(target.shape))
            throw new InvalidDataException($"{source}: '{key}' has shape [{string.Join(", ", saved.shape)}], the optimizer's is [{string.Join(", ", target.shape)}]");
        target.copy_(saved);
    }

    /// <summary>Each trainable parameter's AdamW state, in the optimizer's order (its groups, then each group's parameters).</summary>
    private static IEnumerable<(string Name, AdamW.State State)> States(StageRun run)
    {
        var names = run.Trainable.ToDictionary(p => p.Parameter.Handle, p => p.Name);
        var states = run.Optimizer.state_dict().State;
        var parameters = run.Groups.SelectMany(g => g.Group.Parameters).ToList();
        if (parameters.Count != states.Count)
            throw new InvalidOperationException($"the optimizer has {states.Count} parameter states for {parameters.Count} parameters");
        for (int i = 0; i < parameters.Count; i++)
        {
            if (!names.TryGetValue(parameters[i].Handle, out string? name))
                throw new InvalidOperationException("the optimizer holds a parameter that is not among the stage's trainable parameters");
            yield return (name, (AdamW.State)states[i]);
        }
    }
}
