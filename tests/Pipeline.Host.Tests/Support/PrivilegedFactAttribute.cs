namespace Pipeline.Host.Tests.Support;

/// <summary>
/// A test that needs <see cref="PrivilegedFileSystem"/> (root, <c>chattr</c>, <c>mount</c>). Where those are missing the
/// test still runs and fails saying what is missing, so such a machine never passes it silently; with
/// <c>PIPELINE_SKIP_PRIVILEGED_TESTS=1</c> it is reported as skipped instead, with the same reason.
/// </summary>
public sealed class PrivilegedFactAttribute : FactAttribute
{
    /// <summary>The environment variable that turns missing privileges from a failure into a skip.</summary>
    public const string SkipVariable = "PIPELINE_SKIP_PRIVILEGED_TESTS";

    public PrivilegedFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(SkipVariable) != "1") return;
        string? missing = PrivilegedFileSystem.MissingRequirement();
        if (missing is not null) Skip = $"skipped ({SkipVariable}=1): {missing}";
    }
}
