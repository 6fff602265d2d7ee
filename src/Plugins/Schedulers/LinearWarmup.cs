namespace Pipeline.Plugins.Schedulers;

/// <summary>
/// The linear warmup shared by the built-in schedules: over steps <c>0 .. W-1</c> the rate rises as
/// <c>(step + 1) / W</c> of the base rate, so the first step already trains and step <c>W - 1</c> reaches the base rate.
/// </summary>
internal static class LinearWarmup
{
    /// <summary>The warmup factor at <paramref name="step"/>: <c>(step + 1) / W</c> during warmup, 1 after it.</summary>
    public static double Factor(long step, long warmupSteps) =>
        step < warmupSteps ? (step + 1) / (double)warmupSteps : 1.0;

    /// <summary>Throws for a negative step: schedules are defined from step 0.</summary>
    public static void CheckStep(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "optimizer steps count from 0");
    }
}
