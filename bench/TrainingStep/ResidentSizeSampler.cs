using Pipeline.Host.Reporting;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Bench.TrainingStep;

/// <summary>
/// Samples the process's memory from the pipeline's <c>StepCompleted</c> hook every <see cref="Every"/> steps of one
/// stage (and at its first step): resident size, peak resident size, managed heap and live TorchSharp tensors.
/// </summary>
internal sealed class ResidentSizeSampler(string stage, int every) : ITrainingReporter
{
    /// <summary>One sample.</summary>
    public sealed record Sample(long Step, double ResidentMiB, double PeakMiB, double ManagedMiB, long Tensors);

    /// <summary>Steps between two samples.</summary>
    public int Every => every;

    /// <summary>The samples, in step order.</summary>
    public List<Sample> Samples { get; } = [];

    public T Run<T>(Func<T> work) => work();

    public void Message(string line) => Console.WriteLine("  pipeline: " + line);

    public void StageStarted(StageStart start)
    {
    }

    public void StepCompleted(StepReport report)
    {
        if (report.Stage != stage || (report.Step != 1 && report.Step % every != 0)) return;
        Samples.Add(new Sample(report.Step, ProcessMemory.CurrentMiB(), ProcessMemory.PeakMiB(), GC.GetTotalMemory(false) / 1048576.0, Tensor.TotalCount));
    }

    public void RunFinished(IReadOnlyList<StageSummary> stages)
    {
    }
}
