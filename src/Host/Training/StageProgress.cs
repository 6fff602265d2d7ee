namespace Pipeline.Host.Training;

/// <summary>
/// The counters of a stage in progress that are not tensors: steps done, the metrics window not yet written, and
/// skipped steps. A checkpoint saves them and a resumed stage starts from them, so its metrics continue exactly.
/// </summary>
public sealed record StageProgress
{
    /// <summary>Optimizer steps done in the stage (skipped ones included).</summary>
    public long Step { get; set; }

    /// <summary>Sum of the losses of the completed steps since the last <c>train</c> metrics record.</summary>
    public double LossSinceLog { get; set; }

    /// <summary>
    /// Per auxiliary loss an adapter reported (by its name), the sum of the completed steps' values since the last
    /// <c>train</c> metrics record (each step's value is its mean over the micro-batches, like the task loss).
    /// </summary>
    public Dictionary<string, double> AuxiliaryLossSinceLog { get; set; } = [];

    /// <summary>Completed (not skipped) steps since the last <c>train</c> metrics record.</summary>
    public int StepsSinceLog { get; set; }

    /// <summary>Tokens seen since the last <c>train</c> metrics record.</summary>
    public long TokensSinceLog { get; set; }

    /// <summary>The loss of the last completed step.</summary>
    public double LastLoss { get; set; } = double.NaN;

    /// <summary>Steps skipped in the stage because their loss or gradient norm was not finite.</summary>
    public long SkippedSteps { get; set; }

    /// <summary>Skipped steps since the last completed one.</summary>
    public int ConsecutiveSkips { get; set; }

    /// <summary>Takes every counter from <paramref name="saved"/> (a resumed stage).</summary>
    public void RestoreFrom(StageProgress saved)
    {
        Step = saved.Step;
        LossSinceLog = saved.LossSinceLog;
        AuxiliaryLossSinceLog = new Dictionary<string, double>(saved.AuxiliaryLossSinceLog);
        StepsSinceLog = saved.StepsSinceLog;
        TokensSinceLog = saved.TokensSinceLog;
        LastLoss = saved.LastLoss;
        SkippedSteps = saved.SkippedSteps;
        ConsecutiveSkips = saved.ConsecutiveSkips;
    }

    /// <summary>Starts a new metrics window.</summary>
    public void ResetWindow()
    {
        LossSinceLog = 0;
        AuxiliaryLossSinceLog = [];
        StepsSinceLog = 0;
        TokensSinceLog = 0;
    }
}
