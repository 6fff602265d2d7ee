using System.Globalization;
using Pipeline.Host.Config.Binding;

namespace Pipeline.Host.Matrix;

/// <summary>
/// Chooses cells for <c>--only</c>: each selector is a cell's index, its full name, or some of its <c>axis=label</c>
/// pairs joined by commas (<c>adapter=lora</c> selects every LoRA cell); a cell is chosen when any selector matches it.
/// </summary>
public static class CellSelector
{
    /// <summary>The cells of <paramref name="matrix"/> that <paramref name="selectors"/> choose, in matrix order; all of them when there are none.</summary>
    /// <exception cref="ConfigException">A selector names an unknown axis or label, or matches no cell (a usage error, exit code 2).</exception>
    public static IReadOnlyList<MatrixCell> Select(MatrixDefinition matrix, IReadOnlyList<string> selectors)
    {
        if (selectors.Count == 0) return matrix.Cells;
        var chosen = new HashSet<int>();
        foreach (string selector in selectors)
        {
            var matching = matrix.Cells.Where(c => Matches(matrix, c, selector)).ToList();
            if (matching.Count == 0) throw new ConfigException("--only", 0, 0, $"{selector}: no cell matches; cells: {string.Join("; ", matrix.Cells.Select(c => $"{c.Index} {c.Name}"))}");
            chosen.UnionWith(matching.Select(c => c.Index));
        }
        return matrix.Cells.Where(c => chosen.Contains(c.Index)).ToList();
    }

    private static bool Matches(MatrixDefinition matrix, MatrixCell cell, string selector)
    {
        if (int.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out int index)) return cell.Index == index;
        if (selector == cell.Name) return true;
        foreach (string pair in selector.Split(','))
        {
            int equals = pair.IndexOf('=');
            if (equals <= 0) throw new ConfigException("--only", 0, 0, $"{selector}: expected a cell index, a cell name or axis=label pairs joined by commas, got '{pair}'");
            string axis = pair[..equals], label = pair[(equals + 1)..];
            var known = matrix.Axes.FirstOrDefault(a => a.Name == axis)
                ?? throw new ConfigException("--only", 0, 0, $"{selector}: unknown axis '{axis}'; axes: {string.Join(", ", matrix.Axes.Select(a => a.Name))}");
            if (known.Values.All(v => v.Label != label))
                throw new ConfigException("--only", 0, 0, $"{selector}: axis '{axis}' has no label '{label}'; its labels: {string.Join(", ", known.Values.Select(v => v.Label))}");
            if (!cell.Values.Contains(KeyValuePair.Create(axis, label))) return false;
        }
        return true;
    }
}
