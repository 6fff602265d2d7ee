using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Training;

/// <summary>
/// A step's micro-batch losses stay on the device and are read once: the numbers equal what reading each micro-batch's
/// loss as it came gave (a float32 loss read as a float, widened to double, summed over micro-batches in order).
/// </summary>
public sealed class MicroBatchLossesTests
{
    [Fact]
    public void The_step_loss_and_auxiliary_losses_are_the_means_over_the_micro_batches()
    {
        using var scope = NewDisposeScope();
        var losses = new MicroBatchLosses();
        losses.Add(tensor(2f), [("balance", tensor(0.5f)), ("z", tensor(4.0))]);
        losses.Add(tensor(4f), [("balance", tensor(1.5f))]);

        var read = losses.Read(microBatches: 2);

        read.TaskLosses.Should().Equal(2.0, 4.0);
        read.Loss.Should().Be(3.0);
        read.AuxiliaryLosses.Should().BeEquivalentTo(new Dictionary<string, double> { ["balance"] = 1.0, ["z"] = 2.0 });
        read.FirstNonFinite.Should().BeNull();
    }

    [Fact]
    public void The_numbers_are_those_a_read_per_micro_batch_gave()
    {
        using var scope = NewDisposeScope();
        float[] values = [0.1f, 1f / 3, 2.7182817f];
        var losses = new MicroBatchLosses();
        foreach (float value in values) losses.Add(tensor(value, requires_grad: true) * 1, []);

        var read = losses.Read(microBatches: 3);

        double perMicroBatch = 0;
        foreach (float value in values) perMicroBatch += (double)value / 3;
        read.TaskLosses.Should().Equal(values.Select(v => (double)v));
        read.Loss.Should().Be(perMicroBatch);
    }

    [Fact]
    public void The_first_micro_batch_with_a_non_finite_task_loss_is_named()
    {
        using var scope = NewDisposeScope();
        var losses = new MicroBatchLosses();
        foreach (float value in new[] { 1f, float.PositiveInfinity, float.NaN }) losses.Add(tensor(value), []);

        var read = losses.Read(microBatches: 3);

        read.FirstNonFinite.Should().Be(1);
        double.IsNaN(read.Loss).Should().BeTrue();
    }
}
