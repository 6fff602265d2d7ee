namespace Pipeline.Host.Matrix;

/// <summary>What the array-job writers need of a validated matrix.</summary>
/// <param name="MatrixFile">The matrix YAML as given on the command line.</param>
/// <param name="OutputDirectory">The matrix's output directory, absolute.</param>
/// <param name="Cells">Every cell, in index order.</param>
/// <param name="Slurm">The matrix's <c>slurm</c> block.</param>
/// <param name="Kubernetes">The matrix's <c>k8s</c> block.</param>
public sealed record MatrixPlan(
    string MatrixFile,
    string OutputDirectory,
    IReadOnlyList<MatrixCell> Cells,
    SlurmOptions Slurm,
    KubernetesOptions Kubernetes);
