using Pipeline.Host.Config.Binding;

namespace Pipeline.Host.Matrix;

/// <summary>
/// A matrix YAML as bound (docs/MATRIX.md): the pipeline every cell starts from, the axes that vary its keys, the rules
/// that drop or add cells, the metrics compared with a baseline, and the array-job settings.
/// </summary>
public sealed record MatrixConfig
{
    /// <summary>The base pipeline: a path to its YAML (relative to the matrix file), or the pipeline itself as a mapping.</summary>
    public ConfigNode Base { get; init; } = null!;

    /// <summary>The matrix's output directory (relative to the matrix file unless absolute); cells run in <c>cells/NAME</c> under it.</summary>
    public string OutputDir { get; init; } = "runs/matrix";

    /// <summary>Keys set in every cell: a mapping of key paths (as for <c>--set</c>) to YAML values.</summary>
    public ConfigNode Set { get; init; } = null!;

    /// <summary>The axes, in order: each <c>NAME: {key: PATH, values: ...}</c>, or without <c>key</c> when each value is a mapping of key paths.</summary>
    public ConfigNode Axes { get; init; } = null!;

    /// <summary>Rules that drop cells: each a mapping of axis names to a label (or a list of labels); a cell matching every entry of a rule is dropped.</summary>
    public ConfigNode Exclude { get; init; } = null!;

    /// <summary>Cells added after the product: each a mapping naming a label for every axis (added even when a rule excludes it).</summary>
    public ConfigNode Include { get; init; } = null!;

    /// <summary>The metrics compared with a baseline and their tolerances: <c>NAME: {tolerance: 0.02 | 5%, direction: higher | lower | equal}</c>.</summary>
    public ConfigNode Metrics { get; init; } = null!;

    /// <summary>How repeated cells are summarised: <c>{over: [AXIS], best: {axis, metric}, targets: {METRIC: VALUE}, curves: [KEY]}</c> (docs/MATRIX.md).</summary>
    public ConfigNode Summary { get; init; } = null!;

    /// <summary>The Slurm array job of <c>--emit slurm</c>.</summary>
    public SlurmOptions Slurm { get; init; } = new();

    /// <summary>The Kubernetes Indexed Job of <c>--emit k8s</c>.</summary>
    public KubernetesOptions K8s { get; init; } = new();
}
