using Pipeline.Host.Config;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Host.Training;

/// <summary>
/// Builds AdamW over the trainable parameters only, with one parameter group per (side, decay) pair: matrices decay,
/// biases, norms and other 1-D parameters do not. An adapter that sets <c>lr_scale</c> or <c>weight_decay</c> gets
/// (side, decay) groups of its own after its side's shared ones; one that sets neither shares its side's, so a pipeline
/// without those keys has the groups, in the order, it always had. The schedule sets each group's learning rate by
/// its side, times the group's scale.
/// </summary>
public static class OptimizerFactory
{
    /// <summary>An optimizer group, the side whose learning rate it follows and the factor on that rate.</summary>
    /// <param name="Side"><c>encoder</c> or <c>llm</c>: the schedule's rate of this side is the group's rate.</param>
    /// <param name="Group">The AdamW group.</param>
    /// <param name="Adapter">The adapter whose parameters alone the group holds; <c>null</c> for a side's shared group.</param>
    /// <param name="LearningRateScale">The factor on the side's scheduled rate (the adapter's <c>lr_scale</c>; 1 for shared groups).</param>
    public sealed record SideGroup(string Side, AdamW.ParamGroup Group, string? Adapter = null, double LearningRateScale = 1);

    /// <param name="trainable">The stage's trainable parameters, by name, in the model's order.</param>
    /// <param name="stage">The stage (base rates, betas, weight decay).</param>
    /// <param name="ownGroupsOf">
    /// For a parameter name, the YAML block of the adapter that added it when that adapter has optimizer groups of its own
    /// (<see cref="AdapterBlock.HasOwnOptimizerGroups"/>), else <c>null</c>; omitted, every parameter shares its side's groups.
    /// </param>
    public static (AdamW Optimizer, IReadOnlyList<SideGroup> Groups) Create(
        IReadOnlyList<(string Name, Parameter Parameter)> trainable, StageConfig stage, Func<string, AdapterBlock?>? ownGroupsOf = null)
    {
        var groups = new List<SideGroup>();
        foreach (var side in trainable.GroupBy(p => ParameterInventory.SideOf(p.Name)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            double lr = side.Key == ParameterInventory.LlmSide ? stage.LearningRate.Llm : stage.LearningRate.Encoder;
            // Shared groups first, then each adapter with its own settings by name: the shared ones keep their old order.
            var owners = side.Select(p => (p.Name, p.Parameter, Block: ownGroupsOf?.Invoke(p.Name)))
                .GroupBy(p => p.Block?.InstanceName)
                .OrderBy(g => g.Key is not null).ThenBy(g => g.Key, StringComparer.Ordinal);
            foreach (var owner in owners)
            {
                AdapterBlock? block = owner.First().Block;
                double scale = block?.LrScale ?? 1;
                double decay = block?.WeightDecay ?? stage.WeightDecay;
                foreach (var decays in owner.GroupBy(p => p.Parameter.dim() >= 2).OrderBy(g => g.Key))
                {
                    var options = new AdamW.Options
                    {
                        LearningRate = lr * scale, beta1 = stage.Beta1, beta2 = stage.Beta2,
                        weight_decay = decays.Key ? decay : 0.0,
                    };
                    var group = new AdamW.ParamGroup(decays.Select(p => p.Parameter).ToList(), options);
                    groups.Add(new SideGroup(side.Key, group, owner.Key, scale));
                }
            }
        }
        if (groups.Count == 0) throw new InvalidOperationException($"stage '{stage.Name}' trains nothing: trainable [{string.Join(", ", stage.Trainable)}] selects no parameter");
        var optimizer = optim.AdamW(groups.Select(g => g.Group), lr: stage.LearningRate.Llm, beta1: stage.Beta1, beta2: stage.Beta2, weight_decay: stage.WeightDecay);
        return (optimizer, groups);
    }
}
