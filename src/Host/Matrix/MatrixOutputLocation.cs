using Pipeline.Host.Config;
using Pipeline.Host.Config.Binding;
using Pipeline.Host.IO;

namespace Pipeline.Host.Matrix;

/// <summary>
/// Refuses, before any cell is validated or run, a matrix output directory that cannot be written (a file in the way, a
/// read-only or immutable folder), naming the matrix's <c>output_dir</c> at its position or the <c>--output</c> option
/// that chose it. A configuration error (exit code 2); nothing is created.
/// </summary>
public static class MatrixOutputLocation
{
    /// <summary>Throws when <paramref name="matrix"/>'s output directory, or its <c>cells/</c> folder, cannot be written.</summary>
    /// <param name="matrix">The loaded matrix.</param>
    /// <param name="fromOption">Whether <c>--output</c> chose the directory (else the YAML's <c>output_dir</c>).</param>
    /// <exception cref="ConfigException">The directory cannot be written.</exception>
    public static void Refuse(MatrixDefinition matrix, bool fromOption)
    {
        string output = matrix.OutputDirectory;
        string cells = Path.Combine(output, "cells");
        string? problem = WritableLocation.FolderProblem(output) is string p ? $"'{output}' {p}"
            : WritableLocation.FolderProblem(cells) is string c ? $"'{cells}' (where each cell's run goes) {c}"
            : null;
        if (problem is null) return;
        if (fromOption) throw new ConfigException(new ConfigProblem("--output", 0, 0, $"{problem}; nothing was changed. Choose another --output or make the place writable"));
        throw matrix.Document.ErrorAt(YamlLocator.Find(matrix.Document.Root, "output_dir"),
            $"output_dir: {problem}; nothing was changed. Choose another output_dir (or --output) or make the place writable");
    }

    /// <summary>Throws when <c>matrix collect</c>'s directory cannot be written (its results files go there).</summary>
    /// <exception cref="ConfigException">The directory cannot be written.</exception>
    public static void RefuseCollect(string directory)
    {
        if (WritableLocation.FolderProblem(directory) is string problem)
            throw new ConfigException(new ConfigProblem("matrix collect", 0, 0, $"'{directory}' {problem}; the results files are written there, so nothing was collected"));
    }
}
