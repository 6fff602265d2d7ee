using System.Diagnostics;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Training;
using Fence = Pipeline.Contracts.Runtime.FinalizerFence;
using static TorchSharp.torch;

namespace Pipeline.Bench.FinalizerFence;

/// <summary>
/// Times a quickstart-sized training step (collate 32 samples, forward, cross-entropy, backward, AdamW) with no fence,
/// with the fence opening a region every step (as before) and with the contracts' fence (reusing its region), in
/// interleaved rounds; and the fence alone around empty work, in the same process, heap and model.
/// </summary>
internal static class StepTiming
{
    private const int BatchSize = 32;

    public static void Run(string yamlPath, int rounds, int stepsPerRound)
    {
        var definition = PipelineLoader.Load(yamlPath);
        var (tokenizer, splits) = DataFactory.Load(definition);
        using var _ = splits;
        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        var model = built.Model;
        var collator = new BatchCollator(tokenizer, model, model.Llm.Options.MaxSequenceLength);
        var samples = splits.Train;
        var trainable = model.parameters().ToList();
        using var optimizer = optim.AdamW(trainable, lr: 1e-4);
        model.train();
        int next = 0;

        double Step()
        {
            using var scope = NewDisposeScope();
            var chunk = Enumerable.Range(0, BatchSize).Select(i => samples[(next + i) % samples.Count]).ToList();
            next += BatchSize;
            using var batch = collator.Collate(chunk, CPU);
            Tensor loss = LanguageModelLoss.CrossEntropy(model.Forward(batch).Logits, batch.Labels);
            loss.backward();
            optimizer.step();
            optimizer.zero_grad();
            return loss.item<float>();
        }

        var modes = new (string Name, Func<Func<double>, double> Wrap)[]
        {
            ("no fence", work => work()),
            ("region opened every step (before)", PerStepFence.Run),
            ("region reused (contracts FinalizerFence)", Fence.Run),
        };
        for (int i = 0; i < 5; i++) Step();
        var stepTimes = modes.ToDictionary(m => m.Name, _ => new List<double>());
        var fenceTimes = modes.ToDictionary(m => m.Name, _ => new List<double>());
        var fullCollections = modes.ToDictionary(m => m.Name, _ => 0);
        var collections = modes.ToDictionary(m => m.Name, _ => 0);
        int regionsBefore = Fence.RegionsOpened, lapsesBefore = Fence.Lapses;
        for (int round = 0; round < rounds; round++)
        {
            foreach (var (name, wrap) in modes)
            {
                Fence.Resume();
                int gen0 = GC.CollectionCount(0), gen2 = GC.CollectionCount(2);
                for (int s = 0; s < stepsPerRound; s++)
                {
                    var clock = Stopwatch.StartNew();
                    wrap(Step);
                    stepTimes[name].Add(clock.Elapsed.TotalMilliseconds);
                    clock.Restart();
                    wrap(() => 0.0);
                    fenceTimes[name].Add(clock.Elapsed.TotalMilliseconds);
                }
                collections[name] += GC.CollectionCount(0) - gen0;
                fullCollections[name] += GC.CollectionCount(2) - gen2;
            }
        }
        Console.WriteLine($"{rounds} rounds x {stepsPerRound} steps per mode, batch {BatchSize}, quickstart model, {Environment.ProcessorCount} cores");
        Console.WriteLine($"managed heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1e6:F0} MB after the rounds");
        Console.WriteLine("| mode | median step (ms) | median fence around empty work after a step (ms) | collections (full) |");
        Console.WriteLine("| --- | --- | --- | --- |");
        foreach (var (name, _) in modes)
            Console.WriteLine($"| {name} | {Median(stepTimes[name]):F1} | {Median(fenceTimes[name]):F3} | {collections[name]} ({fullCollections[name]}) |");
        Console.WriteLine($"contracts fence: {Fence.RegionsOpened - regionsBefore} regions opened for {2 * rounds * stepsPerRound} fenced calls " +
                          $"({rounds} of them forced by the rounds), {Fence.Lapses - lapsesBefore} lapses");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
