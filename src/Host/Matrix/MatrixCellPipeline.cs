using Pipeline.Host.Config.Binding;
using Pipeline.Host.Pipelines;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Matrix;

/// <summary>
/// The pipeline of one matrix cell: the base pipeline with the matrix's <c>set</c> keys, then the cell's axis values,
/// then <c>run.output_dir</c> = the cell's run directory. Values keep their positions in the matrix file, so a bad
/// value is reported at its <c>file:line:column</c> there, and every message names the cell.
/// </summary>
public static class MatrixCellPipeline
{
    /// <summary>Loads cell <paramref name="index"/> of <paramref name="matrix"/> (plugins, options, strict binding) as <c>train</c> would.</summary>
    /// <exception cref="ConfigException">The cell's pipeline is invalid; each problem's text starts with <c>cell NAME:</c>.</exception>
    public static PipelineDefinition Load(MatrixDefinition matrix, int index, IEnumerable<string>? pluginDirectories = null)
    {
        // Read the matrix again so that this cell's document owns its nodes: a later key path may walk into a block an
        // earlier one set, and must not change it for the other cells.
        var fresh = MatrixFile.Load(matrix.Path, matrix.OutputDirectory);
        var cell = fresh.Cells[index];
        try
        {
            var document = BaseDocument(fresh);
            foreach (var assignment in fresh.Common.Concat(cell.Assignments))
                document.Assign(assignment.KeyPath, assignment.Value, fresh.Path, assignment.KeyNode);
            document.Assign("run.output_dir", new YamlScalarNode(cell.RunDirectory(fresh.OutputDirectory)), fresh.Path, fresh.Config.Base.Node!);
            return PipelineLoader.Load(document, pluginDirectories);
        }
        catch (ConfigException e)
        {
            throw new ConfigException(e.Problems.Select(p => p with { Text = $"cell {cell.Name}: {p.Text}" }).ToList());
        }
    }

    private static YamlConfigDocument BaseDocument(MatrixDefinition matrix)
    {
        var node = matrix.Config.Base;
        if (node.Node is YamlMappingNode inline) return YamlConfigDocument.FromMapping(matrix.Path, inline);
        string given = ((YamlScalarNode)node.Node!).Value ?? "";
        string path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(matrix.Path))!, given);
        if (!File.Exists(path)) throw node.ErrorAt($"base: the pipeline file '{given}' does not exist (looked for {Path.GetFullPath(path)})");
        return YamlConfigDocument.Load(Path.GetRelativePath(Environment.CurrentDirectory, path));
    }
}
