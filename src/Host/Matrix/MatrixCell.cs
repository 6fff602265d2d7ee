namespace Pipeline.Host.Matrix;

/// <summary>One cell of a matrix: a choice of one label per axis, and the pipeline keys that choice sets.</summary>
/// <param name="Index">The cell's position in the matrix (0-based), its array index on Slurm and Kubernetes.</param>
/// <param name="Name">The <c>axis=label</c> pairs joined by commas, in axis order: <c>adapter=lora,schedule=commit</c>.</param>
/// <param name="Values">The label of each axis, in axis order.</param>
/// <param name="Assignments">The pipeline keys the cell sets, in order (a later one wins): from the matrix file.</param>
public sealed record MatrixCell(
    int Index,
    string Name,
    IReadOnlyList<KeyValuePair<string, string>> Values,
    IReadOnlyList<MatrixAssignment> Assignments)
{
    /// <summary>The cell's run directory under the matrix's output directory.</summary>
    public string RunDirectory(string matrixOutput) => Path.Combine(matrixOutput, "cells", Name);
}
