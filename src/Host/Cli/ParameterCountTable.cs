using System.Globalization;
using System.Text;
using Pipeline.Host.Config;
using Pipeline.Host.Training;

namespace Pipeline.Host.Cli;

/// <summary>
/// The table <c>pipeline params</c> prints: one row for the LLM's own weights, one per encoder and per projector, one per
/// adapter (a <c>model.adapters</c> item) followed by its share in each component it touches, and the total. The first
/// number column is every parameter; each further column is what one stage trains (its <c>trainable</c> list).
/// </summary>
public sealed class ParameterCountTable
{
    private ParameterCountTable(IReadOnlyList<StageConfig> stages, IReadOnlyList<ParameterCountRow> rows)
    {
        Stages = stages;
        Rows = rows;
    }

    /// <summary>The stages with a column, in column order.</summary>
    public IReadOnlyList<StageConfig> Stages { get; }

    /// <summary>The rows, ending with <c>total</c>.</summary>
    public IReadOnlyList<ParameterCountRow> Rows { get; }

    /// <summary>The total row.</summary>
    public ParameterCountRow Total => Rows[^1];

    /// <summary>Counts <paramref name="inventory"/>'s parameters by part and by what each of <paramref name="stages"/> trains, without changing them.</summary>
    /// <param name="inventory">The built model's parameters.</param>
    /// <param name="stages">The stages to give a column, in order.</param>
    /// <param name="encoderNames">The encoders' component names, in YAML order.</param>
    /// <param name="adapterNames">The adapters' instance names, in YAML order.</param>
    public static ParameterCountTable Create(ParameterInventory inventory, IReadOnlyList<StageConfig> stages,
        IReadOnlyList<string> encoderNames, IReadOnlyList<string> adapterNames)
    {
        var parts = new Dictionary<(string Kind, string Name, string Component), List<(string Name, long Count)>>();
        foreach (var (name, parameter) in inventory.All)
        {
            var key = PartOf(inventory, name);
            if (!parts.TryGetValue(key, out var members)) parts[key] = members = [];
            members.Add((name, parameter.numel()));
        }
        ParameterCountRow Row(string label, IEnumerable<(string Name, long Count)> members, bool detail = false)
        {
            var list = members.ToList();
            return new ParameterCountRow(label, list.Sum(m => m.Count),
                stages.Select(s => list.Where(m => inventory.IsTrainableIn(m.Name, s.Trainable)).Sum(m => m.Count)).ToList(), detail);
        }
        IEnumerable<(string, long)> Part(string kind, string partName, string component) =>
            parts.GetValueOrDefault((kind, partName, component)) ?? [];

        var rows = new List<ParameterCountRow> { Row("llm", Part(LlmPart, "llm", "llm")) };
        rows.AddRange(encoderNames.Select(e => Row($"encoder {e}", Part(EncoderPart, e, e))));
        rows.AddRange(encoderNames.Select(e => Row($"projector {e}", Part(ProjectorPart, e, e))));
        var components = new[] { "llm" }.Concat(encoderNames).ToList();
        var adapters = adapterNames.Concat(parts.Keys.Where(k => k.Kind == AdapterPart).Select(k => k.Name)).Distinct().ToList();
        foreach (string adapter in adapters)
        {
            var shares = components.Concat(parts.Keys.Where(k => k.Kind == AdapterPart && k.Name == adapter).Select(k => k.Component))
                .Distinct().Where(c => parts.ContainsKey((AdapterPart, adapter, c))).ToList();
            rows.Add(Row($"adapter {adapter}", shares.SelectMany(c => Part(AdapterPart, adapter, c))));
            rows.AddRange(shares.Select(c => Row($"in {c}", Part(AdapterPart, adapter, c), detail: true)));
        }
        rows.Add(Row("total", inventory.All.Select(p => (p.Name, p.Parameter.numel()))));
        return new ParameterCountTable(stages, rows);
    }

    /// <summary>The table as aligned text: a header with <c>total</c> and the stage names, then one line per row.</summary>
    public string Render()
    {
        var header = new List<string> { "", "total" };
        header.AddRange(Stages.Select(s => s.Name));
        var lines = new List<List<string>> { header };
        foreach (var row in Rows)
        {
            var cells = new List<string> { (row.IsDetail ? "  " : "") + row.Label, Format(row.Total) };
            cells.AddRange(row.TrainableByStage.Select(Format));
            lines.Add(cells);
        }
        int[] widths = Enumerable.Range(0, header.Count).Select(c => lines.Max(l => l[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var cells in lines)
        {
            var padded = cells.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]));
            text.AppendLine(string.Join("   ", padded).TrimEnd());
        }
        return text.ToString();
    }

    /// <summary>A count with thousands separators, independent of the machine's culture (<c>3,781,296</c>).</summary>
    public static string Format(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    private const string LlmPart = "llm", EncoderPart = "encoder", ProjectorPart = "projector", AdapterPart = "adapter";

    /// <summary>The row a parameter counts in: its kind, the name of what it belongs to, and its component.</summary>
    private static (string Kind, string Name, string Component) PartOf(ParameterInventory inventory, string name)
    {
        string component = ParameterInventory.ComponentOf(name);
        if (inventory.IsAdapter(name)) return (AdapterPart, inventory.AdapterOf(name) ?? "(unnamed)", component);
        return component switch
        {
            "llm" => (LlmPart, "llm", "llm"),
            "projectors" => (ProjectorPart, name.Split('.')[1], name.Split('.')[1]),
            _ => (EncoderPart, component, component),
        };
    }
}
