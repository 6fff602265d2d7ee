using System.Text.RegularExpressions;
using Pipeline.Contracts.Options;

namespace Pipeline.Host.Matrix;

/// <summary>
/// The Kubernetes Indexed Job <c>pipeline matrix FILE --emit k8s</c> writes (matrix YAML <c>k8s</c>): one completion per
/// cell, each pod running <c>pipeline matrix FILE --index $(JOB_COMPLETION_INDEX) --output RESULTS</c> with the results
/// volume mounted at <see cref="ResultsPath"/>.
/// </summary>
public sealed partial record KubernetesOptions : IValidatableOptions
{
    /// <summary>The Job's name (a DNS-1123 label: lower-case letters, digits and '-').</summary>
    public string Name { get; init; } = "pipeline-matrix";

    /// <summary>The namespace; empty leaves it to <c>kubectl</c>.</summary>
    public string Namespace { get; init; } = "";

    /// <summary>The container image holding Pipeline, its plugins and the matrix's YAML files (required to emit).</summary>
    public string Image { get; init; } = "";

    /// <summary>How many cells run at once.</summary>
    public int Parallelism { get; init; } = 1;

    /// <summary>
    /// Retries of each cell's pod after it fails (<c>backoffLimitPerIndex</c>, Kubernetes 1.29 and later): a failed cell
    /// is retried this often and then marked failed on its own, while the other cells run on.
    /// </summary>
    public int RetriesPerCell { get; init; }

    /// <summary>The command that starts Pipeline in the image.</summary>
    public List<string> Command { get; init; } = ["pipeline"];

    /// <summary>The matrix file's path inside the container; empty uses the path given to <c>--emit</c>, relative to <see cref="WorkingDir"/>.</summary>
    public string MatrixFile { get; init; } = "";

    /// <summary>The container's working directory; empty keeps the image's.</summary>
    public string WorkingDir { get; init; } = "";

    /// <summary>CPU request and limit per pod (Kubernetes quantity, e.g. <c>4</c> or <c>3500m</c>).</summary>
    public string Cpu { get; init; } = "2";

    /// <summary>Memory request and limit per pod (e.g. <c>16Gi</c>).</summary>
    public string Memory { get; init; } = "8Gi";

    /// <summary>GPUs per pod (<c>nvidia.com/gpu</c> limit); 0 asks for none.</summary>
    public int Gpus { get; init; }

    /// <summary>The PersistentVolumeClaim holding the shared results directory.</summary>
    public string ResultsClaim { get; init; } = "pipeline-results";

    /// <summary>Where the results volume is mounted in the container; the cells write under it.</summary>
    public string ResultsPath { get; init; } = "/results";

    public IEnumerable<OptionError> Validate()
    {
        if (!Dns1123Label().IsMatch(Name)) yield return new("name", $"must be a DNS-1123 label (lower-case letters, digits and '-', at most 63), got '{Name}'");
        if (Parallelism < 1) yield return new("parallelism", $"must be at least 1, got {Parallelism}");
        if (RetriesPerCell < 0) yield return new("retries_per_cell", $"must not be negative, got {RetriesPerCell}");
        if (Gpus < 0) yield return new("gpus", $"must not be negative, got {Gpus}");
        if (Command.Count == 0) yield return new("command", "must name at least the program");
        if (!ResultsPath.StartsWith('/')) yield return new("results_path", $"must be an absolute path in the container, got '{ResultsPath}'");
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex Dns1123Label();
}
