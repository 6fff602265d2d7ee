namespace Pipeline.Host.Cli.Progress;

/// <summary>What the live display shows beside a stage's bar; replaced whole after every step, so the render thread
/// always reads a consistent set.</summary>
/// <param name="Step">Steps done.</param>
/// <param name="TotalSteps">Steps the stage will take.</param>
/// <param name="RecentLoss">Mean loss of the recent steps; NaN before the first step.</param>
/// <param name="TokensPerSecond">Throughput over the recent steps.</param>
/// <param name="Remaining">Estimated time left, null before the first step.</param>
/// <param name="Failed">The run stopped with an error during this stage.</param>
public sealed record StageStatistics(long Step, long TotalSteps, double RecentLoss, double TokensPerSecond, TimeSpan? Remaining, bool Failed = false)
{
    public static StageStatistics Starting(long totalSteps) => new(0, totalSteps, double.NaN, 0, null);
}
