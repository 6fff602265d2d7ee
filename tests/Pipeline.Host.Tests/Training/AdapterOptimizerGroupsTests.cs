using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Training;

/// <summary>
/// An adapter's <c>lr_scale</c> and <c>weight_decay</c>: without them the optimizer groups are the per-(side, decay)
/// groups, in the order, they always were; with them the adapter's parameters move to groups of their own that train at
/// the side's scheduled rate times the scale, with the adapter's decay on its matrices.
/// </summary>
public sealed class AdapterOptimizerGroupsTests
{
    /// <summary>A schedule with a rate per side that grows with the step, so a rate read back names its step.</summary>
    private sealed class GrowingRates : ILearningRateSchedule
    {
        public double LearningRate(string group, long step) => (step + 1) * (group == "llm" ? 1e-4 : 3e-4);
    }

    /// <summary>A constant 1e-3 for both sides.</summary>
    private sealed class ConstantRates : ILearningRateSchedule
    {
        public double LearningRate(string group, long step) => 1e-3;
    }

    private static readonly string[] TrainsLlmAdaptersAndProjectors = ["stages.0.trainable=[llm, adapters, projectors]", "stages.0.weight_decay=0.02"];

    private static (AdamW Optimizer, IReadOnlyList<OptimizerFactory.SideGroup> Groups, IReadOnlyList<(string Name, Parameter Parameter)> Trainable) Create(
        TinyStageSession run, bool withAdapterSettings)
    {
        var trainable = run.Built.Inventory.Select(run.Stage.Trainable, run.Built.Model.Encoders.Keys.ToList(), ["lora"]);
        var (optimizer, groups) = OptimizerFactory.Create(trainable, run.Stage, withAdapterSettings ? run.Session.OwnOptimizerGroupsOf : null);
        return (optimizer, groups, trainable);
    }

    /// <summary>Each group as <c>side adapter lr weight_decay: parameter names</c>.</summary>
    private static List<string> Describe(IReadOnlyList<OptimizerFactory.SideGroup> groups, IReadOnlyList<(string Name, Parameter Parameter)> trainable)
    {
        var names = trainable.ToDictionary(p => p.Parameter.Handle, p => p.Name);
        return groups.Select(g => $"{g.Side} {g.Adapter ?? "-"} {g.Group.LearningRate:R} {g.Group.Options.weight_decay:R}: " +
            string.Join(" ", g.Group.Parameters.Select(p => names[p.Handle]))).ToList();
    }

    private static string Names(IEnumerable<(string Name, Parameter Parameter)> parameters, Func<string, bool> where) =>
        string.Join(" ", parameters.Select(p => p.Name).Where(where));

    [Fact]
    public void Without_the_keys_every_adapter_shares_its_sides_groups_in_the_order_they_always_had()
    {
        using var run = new TinyStageSession(_ => new ConstantRates(), overrides: TrainsLlmAdaptersAndProjectors);
        var (optimizer, groups, trainable) = Create(run, withAdapterSettings: true);
        using var dispose = optimizer;
        var (plainOptimizer, plainGroups, _) = Create(run, withAdapterSettings: false);
        using var disposePlain = plainOptimizer;

        bool IsMatrix(string name) => trainable.First(p => p.Name == name).Parameter.dim() >= 2;
        bool IsLlm(string name) => name.StartsWith("llm.", StringComparison.Ordinal);
        Describe(groups, trainable).Should().Equal(
            $"encoder - 0.003 0: {Names(trainable, n => !IsLlm(n) && !IsMatrix(n))}",
            $"encoder - 0.003 0.02: {Names(trainable, n => !IsLlm(n) && IsMatrix(n))}",
            $"llm - 0.003 0: {Names(trainable, n => IsLlm(n) && !IsMatrix(n))}",
            $"llm - 0.003 0.02: {Names(trainable, n => IsLlm(n) && IsMatrix(n))}");
        Describe(groups, trainable).Should().Equal(Describe(plainGroups, trainable));
        groups.Should().OnlyContain(g => g.LearningRateScale == 1);
        Describe(groups, trainable)[3].Should().Contain(".lora.lora_B.weight", "LoRA's matrices decay with the LLM's own");
    }

    [Fact]
    public void An_adapter_with_lr_scale_and_weight_decay_gets_groups_of_its_own_after_its_sides_shared_ones()
    {
        using var run = new TinyStageSession(_ => new ConstantRates(),
            overrides: [.. TrainsLlmAdaptersAndProjectors, "model.adapters.0.lr_scale=50", "model.adapters.0.weight_decay=0.1"]);
        var (optimizer, groups, trainable) = Create(run, withAdapterSettings: true);
        using var dispose = optimizer;

        bool IsMatrix(string name) => trainable.First(p => p.Name == name).Parameter.dim() >= 2;
        bool IsLlm(string name) => name.StartsWith("llm.", StringComparison.Ordinal);
        bool IsLora(string name) => run.Built.Inventory.AdapterOf(name) == "lora";
        Names(trainable, IsLora).Split(' ').Should().HaveCount(4, "LoRA's A and B on q_proj and v_proj of the one layer");
        Describe(groups, trainable).Should().Equal(
            $"encoder - 0.003 0: {Names(trainable, n => !IsLlm(n) && !IsMatrix(n))}",
            $"encoder - 0.003 0.02: {Names(trainable, n => !IsLlm(n) && IsMatrix(n))}",
            $"llm - 0.003 0: {Names(trainable, n => IsLlm(n) && !IsMatrix(n))}",
            $"llm - 0.003 0.02: {Names(trainable, n => IsLlm(n) && IsMatrix(n) && !IsLora(n))}",
            $"llm lora {0.003 * 50:R} 0.1: {Names(trainable, IsLora)}");
        groups[^1].LearningRateScale.Should().Be(50);
    }

    /// <summary>
    /// Hand-checked with AdamW's first step: B starts at zero, so A gets a zero gradient and only decays,
    /// A := A (1 - rate * decay); B's moments are g and g², so every element of B moves by rate * |g| / (|g| + 1e-8), the
    /// rate itself for any gradient far above 1e-8. The rate is the constant 1e-3 times the scale.
    /// </summary>
    [Theory]
    [InlineData(50.0, "0.2", 0.05, 0.99)]
    [InlineData(0.01, null, 1e-5, 1.0)]
    public void After_one_step_the_adapter_moved_by_the_sides_rate_times_its_scale_and_decayed_by_its_own_decay(
        double scale, string? decay, double expectedStep, double expectedDecayFactor)
    {
        string[] overrides = ["stages.0.steps=1", "stages.0.trainable=[adapters]", $"model.adapters.0.lr_scale={scale}",
            .. decay is null ? Array.Empty<string>() : [$"model.adapters.0.weight_decay={decay}"]];
        using var run = new TinyStageSession(_ => new ConstantRates(), overrides: overrides);
        var lora = run.Built.Inventory.All.Where(p => run.Built.Inventory.AdapterOf(p.Name) == "lora").ToList();
        var before = lora.ToDictionary(p => p.Name, p => p.Parameter.detach().clone());

        run.Run();

        using var scope = NewDisposeScope();
        foreach (var (name, parameter) in lora)
        {
            Tensor start = before[name];
            if (name.EndsWith("lora_B.weight", StringComparison.Ordinal))
            {
                Tensor moved = (parameter - start).abs();
                moved.max().item<float>().Should().BeApproximately((float)expectedStep, (float)expectedStep * 1e-3f, name);
                moved.le(expectedStep * (1 + 1e-6)).all().item<bool>().Should().BeTrue($"no element of {name} moves by more than the rate");
            }
            else
            {
                parameter.allclose(start * expectedDecayFactor, rtol: 1e-6, atol: 0).Should().BeTrue($"{name} has no gradient yet and only decays");
            }
            start.Dispose();
        }
    }

    [Fact]
    public void The_scaled_rate_follows_the_schedule_every_step_and_is_logged_per_adapter()
    {
        using var run = new TinyStageSession(_ => new GrowingRates(),
            overrides: ["stages.0.trainable=[adapters, projectors]", "model.adapters.0.lr_scale=0.5"]);

        run.Run();

        var records = run.TrainRecords();
        records.Should().HaveCount(6);
        for (int step = 0; step < records.Count; step++)
        {
            var record = records[step];
            record.GetProperty("lr_llm").GetDouble().Should().Be((step + 1) * 1e-4, "the side's own rate is unchanged");
            record.GetProperty("lr_encoder").GetDouble().Should().Be((step + 1) * 3e-4);
            record.GetProperty("lr_llm_lora").GetDouble().Should().Be((step + 1) * 1e-4 * 0.5, "read back from the adapter's optimizer group");
            record.EnumerateObject().Select(p => p.Name).Where(n => n.StartsWith("lr_", StringComparison.Ordinal))
                .Should().BeEquivalentTo(["lr_encoder", "lr_llm", "lr_llm_lora"], "LoRA sits on the LLM only");
        }
    }

    [Fact]
    public void Without_the_keys_no_adapter_rate_is_logged()
    {
        using var run = new TinyStageSession(_ => new GrowingRates(), overrides: ["stages.0.trainable=[adapters, projectors]"]);

        run.Run();

        run.TrainRecords().Should().OnlyContain(r => r.EnumerateObject().Count(p => p.Name.StartsWith("lr_", StringComparison.Ordinal)) == 2);
    }
}
