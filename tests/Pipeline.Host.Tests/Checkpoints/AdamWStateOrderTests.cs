using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Checkpoints;
using Pipeline.Host.Config;
using Pipeline.Host.Tests.Training;
using Pipeline.Host.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Checkpoints;

/// <summary>
/// Saved AdamW state is matched to parameters by name, never by position: an optimizer whose groups hold the same
/// parameters in another order (an adapter split out into groups of its own) gets each parameter's own moments.
/// </summary>
public sealed class AdamWStateOrderTests
{
    private sealed class ConstantRates : ILearningRateSchedule
    {
        public double LearningRate(string group, long step) => 1e-3;
    }

    private static StageRun RunOf(StageConfig stage, IReadOnlyList<(string Name, Parameter Parameter)> trainable, Func<string, AdapterBlock?>? ownGroupsOf)
    {
        var (optimizer, groups) = OptimizerFactory.Create(trainable, stage, ownGroupsOf);
        return new StageRun(stage, 0, 1, [], new SampleOrder(1, 0), trainable, optimizer, groups,
            new GuardedSchedule(new ConstantRates(), "constant", stage.Name), new StageProgress());
    }

    [Fact]
    public void State_saved_from_shared_groups_is_restored_by_name_into_an_adapters_own_groups()
    {
        using var session = new TinyStageSession(_ => new ConstantRates(), overrides: ["stages.0.trainable=[llm, adapters]"]);
        var inventory = session.Built.Inventory;
        var trainable = inventory.Select(session.Stage.Trainable, session.Built.Model.Encoders.Keys.ToList(), ["lora"]);
        var ownBlock = new AdapterBlock { Plugin = "lora", LrScale = 2 };
        var saved = RunOf(session.Stage, trainable, ownGroupsOf: null);
        var restored = RunOf(session.Stage, trainable, name => inventory.AdapterOf(name) == "lora" ? ownBlock : null);
        using var disposeSaved = saved.Optimizer;
        using var disposeRestored = restored.Optimizer;
        restored.Groups.SelectMany(g => g.Group.Parameters).Select(p => p.Handle)
            .Should().NotEqual(saved.Groups.SelectMany(g => g.Group.Parameters).Select(p => p.Handle), "the layouts order the parameters differently");
        // One step whose gradient is parameter i's index + 1 everywhere, so every parameter's moments differ from the others'.
        using (var scope = NewDisposeScope())
        {
            for (int i = 0; i < trainable.Count; i++) (trainable[i].Parameter * (i + 1)).sum().backward();
            saved.Optimizer.step();
            saved.Optimizer.zero_grad();
        }
        var (tensors, steps) = AdamWState.Capture(saved);
        var byName = tensors.ToDictionary(t => t.Name, t => t.Tensor);

        AdamWState.Restore(restored, name => byName.TryGetValue(name, out Tensor? tensor) ? tensor.clone() : null, steps, "checkpoint");

        using var check = NewDisposeScope();
        var (restoredTensors, restoredSteps) = AdamWState.Capture(restored);
        restoredSteps.Should().Equal(steps);
        restoredTensors.Should().HaveCount(tensors.Count);
        foreach (var (name, tensor) in restoredTensors) tensor.eq(byName[name]).all().item<bool>().Should().BeTrue(name);
        int index = trainable.ToList().FindIndex(p => p.Name.EndsWith("lora.lora_B.weight", StringComparison.Ordinal));
        restoredTensors.First(t => t.Name == trainable[index].Name + AdamWState.ExpAvg).Tensor.max().item<float>()
            .Should().BeApproximately(0.1f * (index + 1), 1e-5f, "exp_avg after one step is (1 - beta1) times that parameter's own gradient");
    }
}
