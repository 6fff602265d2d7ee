using System.Text;
using Pipeline.Host.Config;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Cli;

/// <summary>
/// The second table <c>pipeline params</c> prints: the bytes the weights take in each stage, per part (the LLM's own
/// weights, each encoder, each projector, all adapters) and in total, with the types they are stored in. A stage keeps
/// what it freezes in the component's <c>model.dtype</c> / <c>model.dtypes</c> and everything else in float32
/// (<see cref="FrozenWeightPrecision.StoredDtype"/>). Optimizer state and activations are not counted.
/// </summary>
public sealed class WeightBytesTable
{
    private WeightBytesTable(IReadOnlyList<StageConfig> stages, IReadOnlyList<WeightBytesRow> rows)
    {
        Stages = stages;
        Rows = rows;
    }

    /// <summary>The stages with a column, in column order.</summary>
    public IReadOnlyList<StageConfig> Stages { get; }

    /// <summary>The rows, ending with <c>total</c>.</summary>
    public IReadOnlyList<WeightBytesRow> Rows { get; }

    /// <summary>Computes the table without changing any parameter (it works on the meta device).</summary>
    public static WeightBytesTable Create(ParameterInventory inventory, ModelConfig config, IReadOnlyList<StageConfig> stages, IReadOnlyList<string> encoderNames)
    {
        string PartOf(string name)
        {
            if (inventory.IsAdapter(name)) return "adapters";
            string component = ParameterInventory.ComponentOf(name);
            return component switch
            {
                "llm" => "llm",
                "projectors" => $"projector {name.Split('.')[1]}",
                _ => $"encoder {component}",
            };
        }
        WeightBytesCell Cell(IEnumerable<(string Name, long Count)> members, StageConfig stage)
        {
            var byType = members.GroupBy(m => FrozenWeightPrecision.StoredDtype(inventory, config, m.Name, stage.Trainable))
                .Select(g => (Dtype: g.Key, Bytes: g.Sum(m => m.Count) * BytesPerElement(g.Key))).ToList();
            return new WeightBytesCell(byType.Sum(t => t.Bytes),
                string.Join("+", byType.Select(t => WeightDtypes.Name(t.Dtype)).Distinct().Order(StringComparer.Ordinal)));
        }
        var parameters = inventory.All.Select(p => (p.Name, Count: p.Parameter.numel())).ToList();
        var labels = new List<string> { "llm" };
        labels.AddRange(encoderNames.Select(e => $"encoder {e}"));
        labels.AddRange(encoderNames.Select(e => $"projector {e}"));
        labels.Add("adapters");
        var rows = labels
            .Select(label => (label, members: parameters.Where(p => PartOf(p.Name) == label).ToList()))
            .Where(r => r.members.Count > 0)
            .Select(r => new WeightBytesRow(r.label, stages.Select(s => Cell(r.members, s)).ToList()))
            .ToList();
        rows.Add(new WeightBytesRow("total", stages.Select(s => Cell(parameters, s)).ToList()));
        return new WeightBytesTable(stages, rows);
    }

    /// <summary>Bytes per element of the types weights are stored in.</summary>
    public static long BytesPerElement(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 or ScalarType.Float16 => 2,
        ScalarType.Float64 => 8,
        _ => 4,
    };

    /// <summary>The table as aligned text: a header with the stage names, then one line per row.</summary>
    public string Render()
    {
        var lines = new List<List<string>> { new[] { "" }.Concat(Stages.Select(s => s.Name)).ToList() };
        lines.AddRange(Rows.Select(row => new[] { row.Label }
            .Concat(row.ByStage.Select(c => $"{ParameterCountTable.Format(c.Bytes)} {c.Dtypes}")).ToList()));
        int[] widths = Enumerable.Range(0, lines[0].Count).Select(c => lines.Max(l => l[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var cells in lines)
            text.AppendLine(string.Join("   ", cells.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
        return text.ToString();
    }
}
