using Pipeline.Host.Config;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Host.Training;

/// <summary>
/// Builds AdamW over the trainable parameters only, with one parameter group per (side, decay) pair: matrices decay,
/// biases, norms and other 1-D parameters do not. The schedule sets each group's learning rate by its side.
/// </summary>
public static class OptimizerFactory
{
    /// <summary>An optimizer group and the side whose learning rate it follows.</summary>
    public sealed record SideGroup(string Side, AdamW.ParamGroup Group);

    public static (AdamW Optimizer, IReadOnlyList<SideGroup> Groups) Create(
        IReadOnlyList<(string Name, Parameter Parameter)> trainable, StageConfig stage)
    {
        var groups = new List<SideGroup>();
        foreach (var side in trainable.GroupBy(p => ParameterInventory.SideOf(p.Name)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            double lr = side.Key == ParameterInventory.LlmSide ? stage.LearningRate.Llm : stage.LearningRate.Encoder;
            foreach (var decays in side.GroupBy(p => p.Parameter.dim() >= 2).OrderBy(g => g.Key))
            {
                var options = new AdamW.Options
                {
                    LearningRate = lr, beta1 = stage.Beta1, beta2 = stage.Beta2,
                    weight_decay = decays.Key ? stage.WeightDecay : 0.0,
                };
                groups.Add(new SideGroup(side.Key, new AdamW.ParamGroup(decays.Select(p => p.Parameter).ToList(), options)));
            }
        }
        if (groups.Count == 0) throw new InvalidOperationException($"stage '{stage.Name}' trains nothing: trainable [{string.Join(", ", stage.Trainable)}] selects no parameter");
        var optimizer = optim.AdamW(groups.Select(g => g.Group), lr: stage.LearningRate.Llm, beta1: stage.Beta1, beta2: stage.Beta2, weight_decay: stage.WeightDecay);
        return (optimizer, groups);
    }
}
