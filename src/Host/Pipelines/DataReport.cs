using System.Globalization;
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

    /// <summary>
    /// Per split, how the media of the samples that passed are changed on their way to the encoders (cut to an
    /// encoder's length, averaged to mono); no entry for a split means nothing was recorded.
    /// </summary>
    public IReadOnlyDictionary<string, MediaChangeTally> MediaChanges { get; init; } = new Dictionary<string, MediaChangeTally>();

    /// <summary>The samples of split <paramref name="split"/> that passed.</summary>
    public IReadOnlyList<Data.TokenizedSample> Passed(string split) => Splits.Named(split);

    /// <summary>
    /// One <c>data</c> record per split: <c>{"kind": "data", "split": "train", "samples": 998, "skipped": 2,
    /// "skipped_missing_media": 1, "skipped_too_long": 1}</c>; a reason with no skipped sample has no key. Media an
    /// encoder cuts add <c>"audio_cut": 3, "audio_cut_to_seconds": 0.5, "audio_cut_longest_sample": "clip-7",
    /// "audio_cut_longest_seconds": 2.25</c> (per modality), and audio averaged to mono from several channels
    /// <c>"audio_averaged_to_mono": 2</c>; these keys too appear only when their count is not 0.
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
            if (MediaChanges.TryGetValue(split, out var changes)) AddMediaChanges(record, changes);
            yield return record;
        }
    }

    /// <summary>
    /// What to log: the first <see cref="ListedProblems"/> skipped samples one per line
    /// (<c>skipped: data/train.json:4: sample 'a' (item 1): ...</c>), then one line per split with skips, one line per
    /// split and modality with media an encoder cuts
    /// (<c>data: 3 of 40 train audio clips are longer than the encoder's 0.5 s and are cut to it; the longest is 'clip-7' (2.25 s)</c>),
    /// and one line for the run when audio was averaged to mono
    /// (<c>data: 2 audio files had more than one channel and were averaged to mono</c>).
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
        foreach (string split in SplitNames)
        {
            if (!MediaChanges.TryGetValue(split, out var changes)) continue;
            foreach (var cut in changes.Cuts)
            {
                string are = cut.Cut == 1 ? "is" : "are";
                yield return $"data: {cut.Cut} of {cut.Items} {split} {cut.Modality} clips {are} longer than the encoder's " +
                    $"{Seconds(cut.KeptSeconds)} s and {are} cut to it; the longest is '{cut.LongestSampleId}' ({Seconds(cut.LongestSeconds)} s)";
            }
        }
        // A file several splits share is one file.
        int averaged = MediaChanges.Values.SelectMany(c => c.AveragedFiles).Distinct(StringComparer.Ordinal).Count()
            + MediaChanges.Values.Sum(c => c.AveragedInMemory);
        if (averaged == 1) yield return "data: 1 audio file had more than one channel and was averaged to mono";
        else if (averaged > 1) yield return $"data: {averaged} audio files had more than one channel and were averaged to mono";
    }

    private static void AddMediaChanges(Dictionary<string, object> record, MediaChangeTally changes)
    {
        foreach (var cut in changes.Cuts)
        {
            record[$"{cut.Modality}_cut"] = cut.Cut;
            record[$"{cut.Modality}_cut_to_seconds"] = Math.Round(cut.KeptSeconds, 3);
            record[$"{cut.Modality}_cut_longest_sample"] = cut.LongestSampleId;
            record[$"{cut.Modality}_cut_longest_seconds"] = Math.Round(cut.LongestSeconds, 3);
        }
        if (changes.AveragedToMono > 0) record["audio_averaged_to_mono"] = changes.AveragedToMono;
    }

    private static string Seconds(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static IEnumerable<(string Reason, int Count)> CountByReason(IEnumerable<SplitProblem> skipped) =>
        skipped.GroupBy(s => s.Problem.Reason).OrderBy(g => g.Key).Select(g => (g.First().Problem.ReasonName, g.Count()));
}
