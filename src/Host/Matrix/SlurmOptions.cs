using Pipeline.Contracts.Options;

namespace Pipeline.Host.Matrix;

/// <summary>
/// The Slurm array job <c>pipeline matrix FILE --emit slurm</c> writes (matrix YAML <c>slurm</c>): one array task per
/// cell, each running <c>pipeline matrix FILE --index $SLURM_ARRAY_TASK_ID</c> against the shared output directory.
/// </summary>
public sealed record SlurmOptions : IValidatableOptions
{
    /// <summary>The job name (<c>#SBATCH --job-name</c>).</summary>
    public string JobName { get; init; } = "pipeline-matrix";

    /// <summary>The partition (<c>--partition</c>); empty leaves the cluster's default.</summary>
    public string Partition { get; init; } = "";

    /// <summary>The account charged (<c>--account</c>); empty leaves the user's default.</summary>
    public string Account { get; init; } = "";

    /// <summary>Time limit of each task (<c>--time</c>, Slurm's format, e.g. <c>02:00:00</c>); empty leaves the partition's limit.</summary>
    public string Time { get; init; } = "";

    /// <summary>CPU cores per task (<c>--cpus-per-task</c>).</summary>
    public int CpusPerTask { get; init; } = 2;

    /// <summary>Memory per task (<c>--mem</c>, e.g. <c>16G</c>); empty leaves the partition's default.</summary>
    public string Memory { get; init; } = "";

    /// <summary>GPUs per task (<c>--gres=gpu:N</c>); 0 asks for none.</summary>
    public int Gpus { get; init; }

    /// <summary>How many tasks may run at once (the array's <c>%N</c>); 0 lets Slurm decide.</summary>
    public int Parallelism { get; init; }

    /// <summary>More <c>#SBATCH</c> lines, written as given (e.g. <c>--qos=short</c>).</summary>
    public List<string> ExtraDirectives { get; init; } = [];

    /// <summary>Shell lines run before the cell (e.g. <c>module load cuda</c>).</summary>
    public List<string> Setup { get; init; } = [];

    /// <summary>The command that starts Pipeline on the nodes; empty uses the one running <c>--emit</c> (absolute paths of this host).</summary>
    public List<string> Command { get; init; } = [];

    public IEnumerable<OptionError> Validate()
    {
        if (string.IsNullOrWhiteSpace(JobName)) yield return new("job_name", "must not be empty");
        if (CpusPerTask < 1) yield return new("cpus_per_task", $"must be at least 1, got {CpusPerTask}");
        if (Gpus < 0) yield return new("gpus", $"must not be negative, got {Gpus}");
        if (Parallelism < 0) yield return new("parallelism", $"must not be negative, got {Parallelism}");
    }
}
