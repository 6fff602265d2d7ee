using System.Text;
using Pipeline.Contracts.Composition;

namespace Pipeline.Host.Composition;

/// <summary>Renders a <see cref="PluginCatalog"/> as the text <c>pipeline plugins</c> prints.</summary>
public static class PluginTable
{
    private static readonly string[] Headers = ["kind", "name", "version", "assembly", "description"];

    /// <summary>
    /// A table with columns kind, name, version, assembly (file name) and description, sorted by kind (in
    /// <see cref="PluginKind.All"/> order) then name, followed by one <c>warning: &lt;path&gt;: &lt;message&gt;</c>
    /// line per problem. Lines end with <c>\n</c>; columns are separated by two spaces.
    /// </summary>
    public static string Render(PluginCatalog catalog)
    {
        var rows = catalog.Plugins
            .OrderBy(p => KindOrder(p.Kind)).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => new[] { p.Kind, p.Name, p.Version, Path.GetFileName(p.AssemblyPath), p.Description })
            .ToList();
        var text = new StringBuilder();
        if (rows.Count == 0)
        {
            text.Append("no plugins found\n");
        }
        else
        {
            int[] widths = Headers.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
            AppendRow(text, Headers, widths);
            foreach (string[] row in rows) AppendRow(text, row, widths);
        }
        foreach (PluginLoadProblem problem in catalog.Problems) text.Append($"warning: {problem}\n");
        return text.ToString();
    }

    private static int KindOrder(string kind)
    {
        int index = PluginKind.All.ToList().IndexOf(kind);
        return index < 0 ? int.MaxValue : index;
    }

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths)
    {
        // The last column is not padded, so lines carry no trailing spaces.
        for (int i = 0; i < cells.Length; i++)
            text.Append(i < cells.Length - 1 ? cells[i].PadRight(widths[i] + 2) : cells[i]);
        text.Append('\n');
    }
}
