namespace Pipeline.Host.Matrix;

/// <summary>Where a matrix cell stands, as its <c>cell.json</c> records it.</summary>
public enum CellStatus
{
    /// <summary>The cell has no run directory or status yet.</summary>
    NotStarted,

    /// <summary>The cell started and has not ended: it is running, or it was killed (a rerun resumes it from its checkpoint).</summary>
    Interrupted,

    /// <summary>The cell's training ended with an error (the error is recorded); a rerun tries it again.</summary>
    Failed,

    /// <summary>Every stage of the cell's training finished; a rerun skips it.</summary>
    Finished,
}
