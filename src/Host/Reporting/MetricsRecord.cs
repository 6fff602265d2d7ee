namespace Pipeline.Host.Reporting;

/// <summary>One line of <c>metrics.jsonl</c>: its kind, stage and step, and every numeric value in it.</summary>
/// <param name="Kind">The <c>kind</c> field (<c>train</c>, <c>eval</c>, <c>schedule</c>, ...).</param>
/// <param name="Stage">The <c>stage</c> field, or the stage of the nearest earlier record that had one.</param>
/// <param name="Step">The <c>step</c> field: steps done in the stage.</param>
/// <param name="Values">Every other finite number, by field name, with <c>true</c> and <c>false</c> read as 1 and 0
/// (<c>"subset": true</c> of an evaluation on part of the held-out split); nested objects are flattened as
/// <c>parent.child</c> and arrays as <c>name[i]</c>.</param>
public sealed record MetricsRecord(string Kind, string Stage, long Step, IReadOnlyDictionary<string, double> Values);
