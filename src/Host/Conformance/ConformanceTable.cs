using System.Text;

namespace Pipeline.Host.Conformance;

/// <summary>The plain-text table <c>pipeline check-plugin</c> prints: one row per check, then a summary line.</summary>
public static class ConformanceTable
{
    /// <summary>Renders <paramref name="results"/> for adapter plugin <paramref name="plugin"/>.</summary>
    public static string Render(string plugin, IReadOnlyList<ConformanceResult> results)
    {
        int checkWidth = Math.Max("check".Length, results.Max(r => r.Check.Length));
        const int outcomeWidth = 6;
        var text = new StringBuilder();
        text.AppendLine($"{"check".PadRight(checkWidth)}  {"result".PadRight(outcomeWidth)}  reason");
        foreach (var result in results)
            text.AppendLine($"{result.Check.PadRight(checkWidth)}  {Label(result.Outcome).PadRight(outcomeWidth)}  {result.Reason}");
        int failed = results.Count(r => !r.Succeeded), passed = results.Count(r => r.Outcome == ConformanceOutcome.Pass);
        text.AppendLine(failed == 0
            ? $"adapter '{plugin}' passes all {passed} applicable check{(passed == 1 ? "" : "s")}"
            : $"adapter '{plugin}' fails {failed} of {results.Count} check{(results.Count == 1 ? "" : "s")}");
        return text.ToString();
    }

    private static string Label(ConformanceOutcome outcome) => outcome switch
    {
        ConformanceOutcome.Pass => "pass",
        ConformanceOutcome.Fail => "FAIL",
        _ => "n/a",
    };
}
