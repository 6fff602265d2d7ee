using Pipeline.Host.Training;

namespace Pipeline.Host.Pipelines;

/// <summary>
/// The samples a run trains and evaluates on after every check, and the bad samples left out
/// (<c>data.on_error: skip</c>), with their metrics records and log lines.
/// </summary>
public sealed class DataReport
{
    /// <summary>The split names, in the order reports list them.</summary>
    public static IReadOnlyList<string> SplitNames { get; } = ["pretrain", "train", "eval"];

    /// <summary>Skipped samples listed one per log line before the rest are only counted.</summary>
    public const int ListedProblems = 20;

    public DataReport(DataSplits splits, IReadOnlyList<SplitProblem> skipped)
    {
        Splits = splits;
        Skipped = skipped;
    }

    /// <summary>The samples that passed every check.</summary>
    public DataSplits Splits { get; }

    /// <summary>The samples left out, by split, in file order.</summary>
    public IReadOnlyList<SplitProblem> Skipped { get; }

    /// <summary>The samples of split <paramref name="split"/> that passed.</summary>
    public IReadOnlyList<Data.TokenizedSample> Passed(string split) => Splits.Named(split);

    /// <summary>
    /// One <c>data</c> record per split: <c>{"kind": "data", "split": "train", "samples": 998, "skipped": 2,
    /// "skipped_missing_media": 1, "skipped_too_long": 1}</c>; a reason with no skipped sample has no key.
    /// </summary>
    public IEnumerable<IReadOnlyDictionary<string, object>> MetricsRecords()
    {
        foreach (string split in SplitNames)
        {
            var skipped = Skipped.Where(s => s.Split == split).ToList();
            var record = new Dictionary<string, object>
            {
                ["kind"] = "data", ["split"] = split, ["samples"] = Passed(split).Count, ["skipped"] = skipped.Count,
            };
            foreach (var (reason, count) in CountByReason(skipped)) record[$"skipped_{reason}"] = count;
            yield return record;
        }
    }

    /// <summary>
    /// What to log: the first <see cref="ListedProblems"/> skipped samples one per line
    /// (<c>skipped: data/train.json:4: sample 'a' (item 1): ...</c>), then one line per split with skips.
    /// </summary>
    public IEnumerable<string> LogLines()
    {
        foreach (var skipped in Skipped.Take(ListedProblems)) yield return $"skipped: {skipped.Problem.Message}";
        if (Skipped.Count > ListedProblems) yield return $"skipped: ... {Skipped.Count - ListedProblems} more";
        foreach (string split in SplitNames)
        {
            var skipped = Skipped.Where(s => s.Split == split).ToList();
            if (skipped.Count == 0) continue;
            string reasons = string.Join(", ", CountByReason(skipped).Select(r => $"{r.Reason} {r.Count}"));
            yield return $"data: skipped {skipped.Count} of {skipped.Count + Passed(split).Count} {split} samples ({reasons})";
        }
    }

    private static IEnumerable<(string Reason, int Count)> CountByReason(IEnumerable<SplitProblem> skipped) =>
        skipped.GroupBy(s => s.Problem.Reason).OrderBy(g => g.Key).Select(g => (g.First().Problem.ReasonName, g.Count()));
}
