using Pipeline.Host.Config;
using Pipeline.Host.Data;
using Pipeline.Host.Training;

namespace Pipeline.Host.Pipelines;

/// <summary>
/// Checks loaded data against the built model and applies <c>data.on_error</c>. It runs before the run writes
/// anything, so bad input never touches an existing output directory.
/// </summary>
public static class DataCheck
{
    /// <summary>
    /// Fails early, before the model is built, when loading already found bad samples and <c>data.on_error</c> is
    /// <c>error</c>.
    /// </summary>
    /// <exception cref="InvalidDataException">There are bad samples; the message is the first, plus how many more there are.</exception>
    public static void RefuseLoadProblems(PipelineConfig config, LoadedData data)
    {
        if (config.Data.OnError == DataErrorPolicy.Error && data.Problems.Count > 0) throw Refusal(data.Problems);
    }

    /// <summary>
    /// Runs <paramref name="checker"/> over every split of <paramref name="data"/> and combines its problems with
    /// those found while loading. With <see cref="DataErrorPolicy.Error"/> any problem is an error; with
    /// <see cref="DataErrorPolicy.Skip"/> the bad samples are left out. Either way every stage's split must keep a sample.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// A bad sample under <c>on_error: error</c> (the message is the first problem, plus how many more there are),
    /// or a stage whose split has no samples left.
    /// </exception>
    public static DataReport Run(PipelineConfig config, LoadedData data, SampleChecker checker)
    {
        var passed = new Dictionary<string, IReadOnlyList<Sample>>();
        var problems = new List<SplitProblem>();
        var mediaChanges = DataReport.SplitNames.ToDictionary(split => split, _ => new MediaChangeTally());
        foreach (string split in DataReport.SplitNames)
        {
            var (kept, rejected) = checker.Check(DataReport.SplitOf(data.Splits, split), mediaChanges[split]);
            passed[split] = kept;
            problems.AddRange(data.Problems.Where(p => p.Split == split)
                .Concat(rejected.Select(p => new SplitProblem(split, p)))
                .OrderBy(p => p.Problem.Location?.Index ?? -1));
        }
        if (config.Data.OnError == DataErrorPolicy.Error && problems.Count > 0) throw Refusal(problems);
        var report = new DataReport(new DataSplits(passed["pretrain"], passed["train"], passed["eval"]), problems) { MediaChanges = mediaChanges };
        foreach (var stage in config.Stages)
        {
            string split = stage.Split.ToString().ToLowerInvariant();
            if (report.Passed(split).Count > 0) continue;
            int skipped = problems.Count(p => p.Split == split);
            throw new InvalidDataException($"stage '{stage.Name}': split '{split}' has no samples" +
                (skipped > 0 ? $" left: all {skipped} were bad and skipped" : ""));
        }
        return report;
    }

    private static InvalidDataException Refusal(IReadOnlyList<SplitProblem> problems) =>
        new(problems[0].Problem.Message + (problems.Count > 1 ? $" (and {problems.Count - 1} more bad samples)" : ""));
}
