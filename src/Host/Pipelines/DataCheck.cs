using Pipeline.Host.Config;
using Pipeline.Host.Data;
using Pipeline.Host.Training;

namespace Pipeline.Host.Pipelines;

/// <summary>
/// Checks the data against the built model and applies <c>data.on_error</c>, streaming every split a second time and
/// storing each sample that passes with its tokens (<see cref="SplitStore"/>). It runs before the run writes
/// anything, so bad input never touches an existing output directory.
/// </summary>
public static class DataCheck
{
    /// <summary>How often a long check reports progress.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Fails early, before the model is built, when reading already found bad samples and <c>data.on_error</c> is
    /// <c>error</c>.
    /// </summary>
    /// <exception cref="InvalidDataException">There are bad samples; the message is the first, plus how many more there are.</exception>
    public static void RefuseLoadProblems(PipelineConfig config, LoadedData data)
    {
        if (config.Data.OnError == DataErrorPolicy.Error && data.Problems.Count > 0) throw Refusal(data.Problems);
    }

    /// <summary>
    /// Runs <paramref name="checker"/> over every split of <paramref name="data"/> and combines its problems with
    /// those found while reading. With <see cref="DataErrorPolicy.Error"/> any problem is an error; with
    /// <see cref="DataErrorPolicy.Skip"/> the bad samples are left out. Either way every stage's split must keep a sample.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// A bad sample under <c>on_error: error</c> (the message is the first problem, plus how many more there are),
    /// or a stage whose split has no samples left.
    /// </exception>
    /// <param name="definition">The pipeline.</param>
    /// <param name="data">The data as read.</param>
    /// <param name="checker">Checks each sample against the model.</param>
    /// <param name="progress">Gets a line every <see cref="ProgressInterval"/> while the check runs (long checks of large sets).</param>
    public static DataReport Run(PipelineDefinition definition, LoadedData data, SampleChecker checker, Action<string>? progress = null)
    {
        var config = definition.Config;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var nextReport = ProgressInterval;
        int total = data.Counts.Values.Sum(), done = 0, rejectedSoFar = 0;
        var stores = new List<SplitStore>();
        var problems = new List<SplitProblem>();
        var mediaChanges = DataReport.SplitNames.ToDictionary(split => split, _ => new MediaChangeTally());
        try
        {
            foreach (var source in data.Sources)
            {
                var store = SplitStore.For(source, definition);
                stores.Add(store);
                var rejected = new List<SplitProblem>();
                // Items that went bad since the first pass (a media file removed in between) are reported, not dropped.
                var knownProblems = data.Problems.Where(p => p.Split == source.Split).Select(p => p.Problem.Location?.Index ?? -1).ToHashSet();
                IEnumerable<Sample> Samples()
                {
                    foreach (var read in source.Read())
                    {
                        if (read.Sample is { } sample) yield return sample;
                        else if (!knownProblems.Contains(read.Problem!.Location?.Index ?? -1)) rejected.Add(new SplitProblem(source.Split, read.Problem));
                    }
                }
                foreach (var (sample, problem) in checker.Check(Samples(), mediaChanges[source.Split]))
                {
                    if (++done % 1024 == 0 && progress is not null && clock.Elapsed >= nextReport)
                    {
                        nextReport = clock.Elapsed + ProgressInterval;
                        progress($"data: checked {done:N0} of {total:N0} samples ({source.Split}), {checker.MediaFilesDecoded:N0} media files decoded, " +
                            $"{rejectedSoFar:N0} rejected so far, {clock.Elapsed.TotalSeconds:F0} s");
                    }
                    if (sample is not null) store.Add(sample);
                    else
                    {
                        rejected.Add(new SplitProblem(source.Split, problem!));
                        rejectedSoFar++;
                    }
                }
                problems.AddRange(data.Problems.Where(p => p.Split == source.Split).Concat(rejected)
                    .OrderBy(p => p.Problem.Location?.Index ?? -1));
            }
            if (config.Data.OnError == DataErrorPolicy.Error && problems.Count > 0) throw Refusal(problems);
            var report = new DataReport(new DataSplits(stores[0].Samples, stores[1].Samples, stores[2].Samples), problems) { MediaChanges = mediaChanges };
            foreach (var stage in config.Stages)
            {
                string split = stage.Split.ToString().ToLowerInvariant();
                if (report.Passed(split).Count > 0) continue;
                int skipped = problems.Count(p => p.Split == split);
                throw new InvalidDataException($"stage '{stage.Name}': split '{split}' has no samples" +
                    (skipped > 0 ? $" left: all {skipped} were bad and skipped" : ""));
            }
            // Every stage ends with a held-out evaluation; an empty held-out split would only fail after all the training.
            if (config.Stages.FirstOrDefault(s => s.Evaluate) is { } evaluating && report.Passed("eval").Count == 0)
            {
                int skipped = problems.Count(p => p.Split == "eval");
                throw new InvalidDataException($"stage '{evaluating.Name}' evaluates on the held-out split, but split 'eval' has no samples" +
                    (skipped > 0 ? $" left: all {skipped} were bad and skipped" : "") +
                    "; give the data a held-out split (data.llava.eval for conversation files) or set evaluate: false on the stages");
            }
            return report;
        }
        catch
        {
            foreach (var store in stores) (store.Samples as IDisposable)?.Dispose();
            throw;
        }
    }

    private static InvalidDataException Refusal(IReadOnlyList<SplitProblem> problems) =>
        new(problems[0].Problem.Message + (problems.Count > 1 ? $" (and {problems.Count - 1} more bad samples)" : ""));
}
