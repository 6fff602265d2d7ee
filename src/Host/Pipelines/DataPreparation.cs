using System.Diagnostics;
using Pipeline.Host.Data;
using Pipeline.Host.Modules.Multimodal;
using Pipeline.Host.Training;

namespace Pipeline.Host.Pipelines;

/// <summary>
/// The data half of starting a run, shared by <c>train</c> and <c>validate</c>: read every split once (structure,
/// vocabulary), refuse what reading found under <c>data.on_error: error</c>, then check every sample against the built
/// model and tokenise the ones that pass. Progress lines, with their times, go to the log.
/// </summary>
public static class DataPreparation
{
    /// <summary>The first pass over the data (<see cref="DataFactory.Read"/>), refusing bad items under <c>on_error: error</c>.</summary>
    /// <exception cref="InvalidDataException">A data file, or under <c>on_error: error</c> an item in one, is bad.</exception>
    public static LoadedData Read(PipelineDefinition definition, Action<string> log)
    {
        var clock = Stopwatch.StartNew();
        var data = DataFactory.Read(definition);
        DataCheck.RefuseLoadProblems(definition.Config, data);
        log($"data: read {data.Counts.Values.Sum():N0} samples in {clock.Elapsed.TotalSeconds:F1} s");
        return data;
    }

    /// <summary>
    /// Checks and tokenises every sample against <paramref name="model"/> (<see cref="DataCheck.Run"/>) and logs what was
    /// skipped, how long it took and the split sizes. Dispose the report's splits when done with them.
    /// </summary>
    /// <exception cref="InvalidDataException">A bad sample under <c>on_error: error</c>, or a stage left without samples.</exception>
    public static (DataReport Report, BatchCollator Collator) Check(PipelineDefinition definition, LoadedData data, MultimodalModel model,
        Action<string> log)
    {
        var config = definition.Config;
        var collator = new BatchCollator(data.Tokenizer, model, model.Llm.Options.MaxSequenceLength);
        var checker = new SampleChecker(SampleTokenizer.For(data.Tokenizer, config.Data), collator, model);
        var clock = Stopwatch.StartNew();
        var report = DataCheck.Run(definition, data, checker, log);
        foreach (string line in report.LogLines()) log(line);
        log($"data: checked and tokenised {data.Counts.Values.Sum():N0} samples in {clock.Elapsed.TotalSeconds:F1} s" +
            (checker.MediaFilesDecoded > 0 ? $" ({checker.MediaFilesDecoded:N0} media files decoded once each)" : ""));
        var splits = report.Splits;
        log($"data: {splits.Pretrain.Count} pretrain, {splits.Train.Count} train, {splits.Eval.Count} eval samples; vocabulary {data.Tokenizer.VocabularySize}");
        return (report, collator);
    }
}
