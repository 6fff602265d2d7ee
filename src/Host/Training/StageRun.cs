using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Config;
using Pipeline.Host.Data;
using TorchSharp.Modules;

namespace Pipeline.Host.Training;

/// <summary>Everything one stage trains with, as <see cref="StageTrainer"/> builds it; checkpoints read and restore it.</summary>
/// <param name="Stage">The stage's configuration.</param>
/// <param name="StageIndex">Its position in <c>stages</c>, from 0.</param>
/// <param name="TotalSteps">Optimizer steps the stage takes.</param>
/// <param name="Samples">The split it trains on.</param>
/// <param name="Order">The shuffled sample order.</param>
/// <param name="Trainable">The parameters it trains, by name.</param>
/// <param name="Optimizer">AdamW over <paramref name="Trainable"/>; disposed when the stage's steps are done.</param>
/// <param name="Groups">The optimizer's parameter groups, in the optimizer's order.</param>
/// <param name="Schedule">The learning-rate schedule, guarded so a plugin failure is named with its stage and step.</param>
/// <param name="Progress">Steps done, metrics window and skipped steps.</param>
public sealed record StageRun(StageConfig Stage, int StageIndex, long TotalSteps, IReadOnlyList<TokenizedSample> Samples, SampleOrder Order,
    IReadOnlyList<(string Name, Parameter Parameter)> Trainable, AdamW Optimizer, IReadOnlyList<OptimizerFactory.SideGroup> Groups,
    GuardedSchedule Schedule, StageProgress Progress);
