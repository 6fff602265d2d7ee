using Pipeline.Host.Config.Binding;
using Pipeline.Host.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Host.Matrix;

/// <summary>
/// Checks every cell of a matrix before any runs, as <c>pipeline validate --no-data</c> checks one pipeline: plugins,
/// options and strict binding, then the model built on the meta device with every adapter attached. The data of each
/// cell is checked when the cell runs, before it trains.
/// </summary>
public static class MatrixValidator
{
    /// <summary>Validates every cell; reports all invalid cells together. Returns each cell's configuration fingerprint, by index.</summary>
    /// <exception cref="ConfigException">One or more cells are invalid: every problem of every such cell, each naming its cell.</exception>
    public static IReadOnlyDictionary<int, string> Validate(MatrixDefinition matrix, IEnumerable<string>? pluginDirectories = null)
    {
        var problems = new List<ConfigProblem>();
        var fingerprints = new Dictionary<int, string>();
        var plugins = pluginDirectories?.ToList() ?? [];
        foreach (var cell in matrix.Cells)
        {
            try
            {
                var definition = MatrixCellPipeline.Load(matrix, cell.Index, plugins);
                int vocabulary = Math.Max(2, definition.Config.Model.Llm.VocabSize);
                using var built = ModelFactory.Build(definition, vocabulary, META);
                fingerprints[cell.Index] = CellFingerprint.Of(definition);
            }
            catch (ConfigException e)
            {
                problems.AddRange(e.Problems);
            }
            catch (Exception e) when (e is PluginFailureException or InvalidOperationException or ArgumentException or InvalidDataException)
            {
                problems.Add(new ConfigProblem(matrix.Path, 0, 0, $"cell {cell.Name}: {e.Message}"));
            }
        }
        if (problems.Count > 0) throw new ConfigException(problems);
        return fingerprints;
    }
}
