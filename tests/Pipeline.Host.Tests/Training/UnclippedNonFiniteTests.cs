using Pipeline.Contracts.Runtime;
using Pipeline.Host.Config;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Training;

/// <summary>
/// With <c>clip_grad_norm: 0</c> the gradient norm is still computed, so a step whose task loss is finite but whose
/// gradients are not (a NaN auxiliary loss) is stopped or skipped exactly as with clipping on.
/// </summary>
public sealed class UnclippedNonFiniteTests
{
    private static readonly string[] Unclipped = ["stages.0.clip_grad_norm=0"];

    [Fact]
    public void Stop_names_the_stage_step_and_parameters_without_clipping()
    {
        using var run = new TinyStageSession(_ => new PoisonedSchedule(new HashSet<long> { 2 }), overrides: Unclipped);

        var act = () => run.Run();

        run.Stage.ClipGradNorm.Should().Be(0);
        act.Should().Throw<InvalidOperationException>().WithMessage(
            "stage 'pretrain' step 3: the gradient norm is NaN (non-finite gradients in *); stopping before the weights are corrupted");
    }

    [Fact]
    public void Skip_drops_the_step_and_leaves_the_weights_alone_without_clipping()
    {
        var weights = new Dictionary<long, Tensor>();
        TorchSharp.Modules.Parameter? watched = null;
        using var run = new TinyStageSession(_ => new PoisonedSchedule(new HashSet<long> { 1 }), NonFiniteAction.Skip, Unclipped,
            stepCompleted: report => weights[report.Step] = FinalizerFence.Run(() => watched!.detach().clone()));
        watched = run.Built.Inventory.All.First(p => p.Name.StartsWith("llm.", StringComparison.Ordinal)).Parameter;

        run.Run();

        run.TrainRecords().Select(r => r.GetProperty("skipped_steps").GetInt64()).Should().Equal(0, 1, 1, 1, 1, 1);
        run.Log.Should().Contain(line => line.StartsWith("[pretrain] step 2: non-finite loss or gradient norm (", StringComparison.Ordinal)
            && line.EndsWith(", NaN); step skipped", StringComparison.Ordinal));
        weights[2].allclose(weights[1], rtol: 0, atol: 0).Should().BeTrue("the skipped step 2 must not change the weights");
        weights[3].allclose(weights[2], rtol: 0, atol: 0).Should().BeFalse("step 3 trains again");
        foreach (var tensor in weights.Values) tensor.Dispose();
    }

    [Fact]
    public void Without_clipping_the_logged_gradient_norm_is_the_one_clipping_measures()
    {
        var none = new HashSet<long>();
        using var unclipped = new TinyStageSession(_ => new PoisonedSchedule(none), overrides: Unclipped);
        // A clip far above any gradient norm measures without changing the gradients, so both runs take the same steps.
        using var clipped = new TinyStageSession(_ => new PoisonedSchedule(none), overrides: ["stages.0.clip_grad_norm=1e30"]);

        unclipped.Run();
        clipped.Run();

        var measured = unclipped.TrainRecords().Select(r => r.GetProperty("grad_norm").GetDouble()).ToList();
        var reference = clipped.TrainRecords().Select(r => r.GetProperty("grad_norm").GetDouble()).ToList();
        measured.Should().HaveCount(6).And.OnlyContain(norm => norm > 0);
        measured.Zip(reference).Should().OnlyContain(pair => Math.Abs(pair.First - pair.Second) <= 1e-4 * pair.Second,
            "norms {0} and {1}", string.Join(", ", measured), string.Join(", ", reference));
    }
}
