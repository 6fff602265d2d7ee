namespace Pipeline.Host.Tests.Support;

/// <summary>
/// A test that needs a real local Slurm cluster (<see cref="LocalSlurm"/>). Where Slurm cannot start (a program
/// missing, not root) the test still runs and fails with a message that says what is missing, so a machine without
/// Slurm never passes it silently; with <c>PIPELINE_SKIP_SLURM_TESTS=1</c> it is reported as skipped instead, with
/// the same reason. On a machine where Slurm can start, the variable changes nothing.
/// </summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    /// <summary>The environment variable that turns a missing Slurm from a failure into a skip.</summary>
    public const string SkipVariable = "PIPELINE_SKIP_SLURM_TESTS";

    public SlurmFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(SkipVariable) != "1") return;
        string? missing = LocalSlurm.MissingRequirement();
        if (missing is not null) Skip = $"skipped ({SkipVariable}=1): {missing}";
    }
}
