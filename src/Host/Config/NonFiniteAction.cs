namespace Pipeline.Host.Config;

/// <summary>What a training step with a non-finite loss or gradient norm does (YAML <c>run.on_non_finite</c>).</summary>
public enum NonFiniteAction
{
    /// <summary>Stop the run with a message naming the stage and step; nothing is applied to the weights.</summary>
    Stop,

    /// <summary>
    /// Drop the step's gradients and take no optimizer step (the batch is consumed and the schedule moves on), count
    /// it in the metrics as <c>skipped_steps</c>, and stop after <see cref="RunOptions.MaxConsecutiveSkips"/> in a row.
    /// </summary>
    Skip,
}
