using Pipeline.Host.Config.Binding;

namespace Pipeline.Host.Matrix;

/// <summary>A matrix file, read and expanded into its cells (<see cref="MatrixFile.Load"/>).</summary>
public sealed class MatrixDefinition
{
    /// <summary>The matrix file as given.</summary>
    public required string Path { get; init; }

    /// <summary>The matrix's name: its file name without extension.</summary>
    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>The matrix document (positions for messages).</summary>
    public required YamlConfigDocument Document { get; init; }

    /// <summary>The bound matrix YAML.</summary>
    public required MatrixConfig Config { get; init; }

    /// <summary>The output directory, absolute (the YAML's <c>output_dir</c>, or <c>--output</c>).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The axes, in order.</summary>
    public required IReadOnlyList<MatrixAxis> Axes { get; init; }

    /// <summary>The keys every cell sets before its axes' (<c>set</c>).</summary>
    public required IReadOnlyList<MatrixAssignment> Common { get; init; }

    /// <summary>Every cell, in index order.</summary>
    public required IReadOnlyList<MatrixCell> Cells { get; init; }

    /// <summary>The metrics compared with a baseline, in the YAML's order.</summary>
    public required IReadOnlyList<MetricTolerance> Metrics { get; init; }

    /// <summary>How repeated cells are summarised (<c>summary</c>), or <c>null</c> when the matrix does not ask for it.</summary>
    public SummarySettings? Summary { get; init; }

    /// <summary>What the array-job writers need.</summary>
    public MatrixPlan Plan => new(Path, OutputDirectory, Cells, Config.Slurm, Config.K8s);
}
