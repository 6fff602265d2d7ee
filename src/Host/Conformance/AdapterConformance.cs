using System.Globalization;
using Pipeline.Contracts.Runtime;
using Pipeline.Contracts.Adapters;
using Pipeline.Host.Data;
using Pipeline.Host.Interop;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Host.Conformance;

/// <summary>
/// The adapter conformance kit: checks that an adapter plugin keeps the promises of <c>IAdapterFactory</c> and
/// <c>IAdapter</c> in a tiny model, one method per check, each returning a <see cref="ConformanceResult"/> with a
/// one-line reason. <c>pipeline check-plugin</c> runs <see cref="RunAll"/> and prints the table; plugin authors can also
/// call the methods from their own tests. The pipeline's single adapter is the one checked. Every check builds its own
/// models, so the checks may run in any order; <c>training</c>, <c>leak</c> and <c>switch</c> read the same training run,
/// made by whichever of them runs first.
/// </summary>
public sealed class AdapterConformance : IDisposable
{
    /// <summary>The training check's optimizer steps.</summary>
    public const int TrainingSteps = 30;

    /// <summary>The training samples the training check's loss is measured on.</summary>
    public const int LossSamples = 32;

    /// <summary>The step from which the live tensor count must stay constant (optimizer state exists by then).</summary>
    public const int LeakBaselineStep = 5;

    private const double RelativeTolerance = 1e-4;
    private readonly PipelineDefinition _definition;
    private readonly string _adapterName;
    private readonly string _workDirectory;
    private readonly ITextTokenizer _tokenizer;
    private readonly DataSplits _splits;
    private TrainingRun? _trainingRun;

    /// <param name="definition">A pipeline with exactly one adapter, normally <see cref="ConformancePipeline.Definition"/>.</param>
    /// <exception cref="Config.Binding.ConfigException">An adapter target matches nothing in the tiny model.</exception>
    public AdapterConformance(PipelineDefinition definition)
    {
        if (definition.Adapters.Count != 1) throw new ArgumentException($"the conformance kit checks one adapter; the pipeline has {definition.Adapters.Count}", nameof(definition));
        _definition = definition;
        _adapterName = definition.Adapters[0].InstanceName;
        _workDirectory = Path.Combine(definition.OutputDirectory, "conformance");
        Directory.CreateDirectory(_workDirectory);
        (_tokenizer, _splits) = DataFactory.Load(definition);
        try
        {
            // Attaching on the meta device first turns a target that matches nothing into one configuration error
            // instead of the same failure in every check.
            Build(definition, META).Dispose();
        }
        catch
        {
            _splits.Dispose();
            throw;
        }
    }

    /// <summary>The checks in table order: name and the method that runs it.</summary>
    public IReadOnlyList<(string Name, Func<ConformanceResult> Run)> Checks =>
    [
        ("identity", Identity), ("device", Devices), ("seed", SeedDeterminism), ("names", StateDictNames), ("merge", MergeAndUnmerge),
        ("export", ExportRoundTrip), ("training", TrainingLossFalls), ("leak", NoTensorLeak), ("switch", SwitchedOff),
    ];

    /// <summary>Runs every check in table order. Every check reports an exception (an adapter that throws) as its own failure.</summary>
    public IReadOnlyList<ConformanceResult> RunAll() => Checks.Select(c => c.Run()).ToList();

    /// <summary>
    /// <c>identity</c>: the model with the adapter attached computes what the model without it computes (logits of a batch
    /// with text, images and audio, in evaluation mode), within a relative tolerance of 1e-4. For an adapter that declares
    /// it does not start as the identity (<c>IAdapter.StartsAsIdentity</c> false, prompt tuning), the same comparison is
    /// made with the adapter switched off on every <see cref="ISwitchableAdapterSite"/> of the model,
    /// as the host switches it off in the stages before it trains.
    /// </summary>
    public ConformanceResult Identity() => Guarded("identity", () =>
    {
        using var adapted = Build(_definition, CPU);
        using var plain = Build(WithoutAdapter(), CPU);
        using var scope = NewDisposeScope();
        if (!adapted.Adapters.Single().StartsAsIdentity)
        {
            SwitchOff(adapted);
            double offDifference = MaxDifference(Logits(plain), Logits(adapted), out double offTolerance);
            return offDifference <= offTolerance
                ? ConformanceResult.Pass("identity", $"not an identity at initialisation (StartsAsIdentity is false); switched off, output equals output without it (max difference {Number(offDifference)})")
                : ConformanceResult.Fail("identity", $"switched off, output with the adapter differs from output without it by up to {Number(offDifference)} (tolerance {Number(offTolerance)}): every site must skip a switched-off adapter");
        }
        double difference = MaxDifference(Logits(plain), Logits(adapted), out double tolerance);
        return difference <= tolerance
            ? ConformanceResult.Pass("identity", $"output with the adapter equals output without it (max difference {Number(difference)})")
            : ConformanceResult.Fail("identity", $"output with the adapter differs from output without it by up to {Number(difference)} (tolerance {Number(tolerance)}): new modules must start as the identity");
    });

    /// <summary>
    /// <c>device</c>: built on the meta device every adapter parameter is on the meta device (nothing allocated), and built
    /// on the CPU every one is on the CPU (parameters are made on <c>AdapterBuildContext.Device</c>).
    /// </summary>
    public ConformanceResult Devices() => Guarded("device", () =>
    {
        foreach (var device in new[] { META, CPU })
        {
            using var built = Build(_definition, device);
            var stray = AdapterParameters(built).FirstOrDefault(p => p.Parameter.device.type != device.type);
            if (stray.Name is not null)
                return ConformanceResult.Fail("device", $"built on {device.type.ToString().ToLowerInvariant()}, parameter '{stray.Name}' is on {stray.Parameter.device}: create parameters on AdapterBuildContext.Device");
        }
        return ConformanceResult.Pass("device", "parameters on meta when built on meta, on cpu when built on cpu");
    });

    /// <summary>
    /// <c>seed</c>: two builds with the same seed give identical adapter tensors; a build with another seed gives different
    /// ones when the adapter initialises anything at random (an adapter whose initialisation is constant passes too).
    /// </summary>
    public ConformanceResult SeedDeterminism() => Guarded("seed", () =>
    {
        using var first = Build(_definition, CPU);
        using var second = Build(_definition, CPU);
        using var other = Build(WithSeed(_definition.Config.Run.Seed + 1), CPU);
        using var scope = NewDisposeScope();
        var a = AdapterParameters(first).ToDictionary(p => p.Name, p => p.Parameter);
        var b = AdapterParameters(second).ToDictionary(p => p.Name, p => p.Parameter);
        var c = AdapterParameters(other).ToDictionary(p => p.Name, p => p.Parameter);
        if (!a.Keys.Order().SequenceEqual(b.Keys.Order()))
            return ConformanceResult.Fail("seed", "two builds with the same seed have different adapter parameter names");
        string? unequal = a.Keys.Order(StringComparer.Ordinal).FirstOrDefault(name => !a[name].equal(b[name]).all().item<bool>());
        if (unequal is not null)
            return ConformanceResult.Fail("seed", $"two builds with the same seed differ in '{unequal}': initialise from AdapterBuildContext.Seed");
        int differing = a.Keys.Count(name => c.TryGetValue(name, out var p) && !p.equal(a[name]).all().item<bool>());
        return ConformanceResult.Pass("seed", differing > 0
            ? $"same seed, same tensors; another seed changes {differing} of {a.Count}"
            : $"same seed, same tensors; the initialisation does not depend on the seed (none of {a.Count} is random)");
    });

    /// <summary>
    /// <c>names</c>: every parameter the adapter added has its instance name as a segment of its state-dict key
    /// (<c>llm.model.layers.0.self_attn.q_proj.NAME.lora_A.weight</c>), which is how exports, checkpoints and
    /// <c>params</c> tell several adapters apart.
    /// </summary>
    public ConformanceResult StateDictNames() => Guarded("names", () =>
    {
        using var built = Build(_definition, META);
        var names = AdapterParameters(built).Select(p => p.Name).ToList();
        string? outside = names.FirstOrDefault(n => !n.Split('.').Contains(_adapterName, StringComparer.Ordinal));
        return outside is null
            ? ConformanceResult.Pass("names", $"all {names.Count} parameters are under '{_adapterName}'")
            : ConformanceResult.Fail("names", $"parameter '{outside}' is not under the adapter's name '{_adapterName}': attach modules under AdapterBuildContext.AdapterName");
    });

    /// <summary>
    /// <c>merge</c> (adapters with <c>CanMerge</c>): with the adapter's parameters moved off their initial values, merging
    /// leaves the output unchanged, and unmerging restores the base weights and the output (relative tolerance 1e-4).
    /// </summary>
    public ConformanceResult MergeAndUnmerge() => Guarded("merge", () =>
    {
        using var built = Build(_definition, CPU);
        var adapter = built.Adapters.Single();
        if (!adapter.CanMerge) return new ConformanceResult("merge", ConformanceOutcome.NotApplicable, "the adapter does not merge (CanMerge is false)");
        using var scope = NewDisposeScope();
        Perturb(built);
        var baseWeights = built.Inventory.All.Where(p => !built.Inventory.IsAdapter(p.Name)).Select(p => (p.Name, p.Parameter, Copy: p.Parameter.detach().clone())).ToList();
        Tensor before = Logits(built);
        adapter.Merge();
        Tensor merged = Logits(built);
        double mergeDifference = MaxDifference(before, merged, out double tolerance);
        if (mergeDifference > tolerance)
            return ConformanceResult.Fail("merge", $"merging changes the output by up to {Number(mergeDifference)} (tolerance {Number(tolerance)})");
        adapter.Unmerge();
        foreach (var (name, parameter, copy) in baseWeights)
        {
            double weightDifference = MaxDifference(copy, parameter, out double weightTolerance);
            if (weightDifference > weightTolerance)
                return ConformanceResult.Fail("merge", $"unmerging leaves '{name}' off its base value by up to {Number(weightDifference)} (tolerance {Number(weightTolerance)})");
        }
        double unmergeDifference = MaxDifference(before, Logits(built), out tolerance);
        return unmergeDifference <= tolerance
            ? ConformanceResult.Pass("merge", $"merge keeps the output (max difference {Number(mergeDifference)}); unmerge restores weights and output")
            : ConformanceResult.Fail("merge", $"after unmerging the output differs from before merging by up to {Number(unmergeDifference)} (tolerance {Number(tolerance)})");
    });

    /// <summary>
    /// <c>export</c>: with the adapter's parameters moved off their initial values, <c>pipeline export --format pipeline</c>'s
    /// writer and reader carry them into a freshly built model, which then computes the same output.
    /// </summary>
    public ConformanceResult ExportRoundTrip() => Guarded("export", () =>
    {
        string directory = Path.Combine(_workDirectory, "export-" + Guid.NewGuid().ToString("N"));
        using var trained = Build(_definition, CPU);
        using var fresh = Build(_definition, CPU);
        using var scope = NewDisposeScope();
        Perturb(trained);
        PipelineAdapterExporter.Write(trained, _definition, [_adapterName], directory);
        var keys = PipelineAdapterExporter.Read(fresh, _definition, directory);
        double difference = MaxDifference(Logits(trained), Logits(fresh), out double tolerance);
        return difference <= tolerance
            ? ConformanceResult.Pass("export", $"{keys.Count} tensors written and read back; same output (max difference {Number(difference)})")
            : ConformanceResult.Fail("export", $"the model read back from the export differs in output by up to {Number(difference)} (tolerance {Number(tolerance)}): state the adapter needs is missing from its parameters");
    });

    /// <summary>
    /// <c>training</c>: training only the adapter for <see cref="TrainingSteps"/> steps on tiny data lowers the loss on
    /// the first <see cref="LossSamples"/> training samples (measured in evaluation mode before and after, so dropout and
    /// batch-to-batch noise do not decide it).
    /// </summary>
    public ConformanceResult TrainingLossFalls() => Guarded("training", () =>
    {
        var run = Train();
        return run.LossAfter < run.LossBefore
            ? ConformanceResult.Pass("training", $"loss fell from {Number(run.LossBefore)} to {Number(run.LossAfter)} in {run.LiveTensors.Count} steps")
            : ConformanceResult.Fail("training", $"loss did not fall in {run.LiveTensors.Count} steps with only the adapter trainable ({Number(run.LossBefore)} before, {Number(run.LossAfter)} after): its parameters must receive gradients");
    });

    /// <summary>
    /// <c>leak</c>: during the training check's run, the number of live tensors after step <see cref="TrainingSteps"/>
    /// equals the number after step <see cref="LeakBaselineStep"/>: a step frees everything its forward made.
    /// </summary>
    public ConformanceResult NoTensorLeak() => Guarded("leak", () =>
    {
        var run = Train();
        long growth = run.LiveTensors[^1] - run.LiveTensors[LeakBaselineStep - 1];
        return growth == 0
            ? ConformanceResult.Pass("leak", $"live tensors constant from step {LeakBaselineStep} to {run.LiveTensors.Count} ({run.LiveTensors[^1]})")
            : ConformanceResult.Fail("leak", $"{growth} more live tensors after step {run.LiveTensors.Count} than after step {LeakBaselineStep}: modules must not keep tensors made in forward");
    });

    /// <summary>
    /// <c>switch</c>: after the training check's run (so the adapter is no longer the identity), switching the adapter off
    /// on every <c>ISwitchableAdapterSite</c> of the model, as the host does in the stages before the first stage that trains
    /// it, gives the base model's output (relative tolerance 1e-4), and switching it on again gives the trained output back.
    /// </summary>
    public ConformanceResult SwitchedOff() => Guarded("switch", () =>
    {
        var trained = Train().Model;
        using var plain = Build(WithoutAdapter(), CPU);
        using var scope = NewDisposeScope();
        Tensor on = Logits(trained);
        // The host's rule, with a stage before the one that trains the adapter: off in stage 0, on in stage 1.
        var stage = _definition.Config.Stages[0];
        var activity = new AdapterActivity([stage with { Trainable = ["llm"] }, stage with { Trainable = ["adapters"] }], [_adapterName]);
        activity.Apply(trained.Model, 0);
        Tensor off;
        try
        {
            off = Logits(trained);
        }
        finally
        {
            activity.Apply(trained.Model, 1);
        }
        Tensor baseOutput = Logits(plain);
        double offDifference = MaxDifference(baseOutput, off, out double tolerance);
        if (offDifference > tolerance)
            return ConformanceResult.Fail("switch", $"switched off after training, the output differs from the base model's by up to {Number(offDifference)} (tolerance {Number(tolerance)}): " +
                "attach modules through the components' sites (they implement ISwitchableAdapterSite), never around them");
        double onDifference = MaxDifference(on, Logits(trained), out tolerance);
        if (onDifference > tolerance)
            return ConformanceResult.Fail("switch", $"switched on again, the output differs from the trained output by up to {Number(onDifference)} (tolerance {Number(tolerance)})");
        return ConformanceResult.Pass("switch",
            $"switched off after training, output equals the base model's (max difference {Number(offDifference)}; on, it differs by {Number(MaxDifference(baseOutput, on, out _))})");
    });

    /// <inheritdoc />
    public void Dispose()
    {
        _trainingRun?.Model.Dispose();
        _splits.Dispose();
    }

    // Every check runs the plugin's tensor code (forward passes, merges) outside a training step: each runs in one fence.
    private static ConformanceResult Guarded(string check, Func<ConformanceResult> run)
    {
        try
        {
            return FinalizerFence.Run(run);
        }
        catch (Exception error)
        {
            return ConformanceResult.Fail(check, error.Message.ReplaceLineEndings(" "));
        }
    }

    private TrainingRun Train()
    {
        if (_trainingRun is not null) return _trainingRun;
        var live = new List<long>();
        // Kept (and disposed with the kit) for the switch check.
        var built = Build(_definition, CPU);
        try
        {
            return _trainingRun = RunTraining(built, live);
        }
        catch
        {
            built.Dispose();
            throw;
        }
    }

    private TrainingRun RunTraining(BuiltModel built, List<long> live)
    {
        using var metrics = new MetricsWriter(Path.Combine(_workDirectory, $"metrics-{Guid.NewGuid():N}.jsonl"));
        var collator = new BatchCollator(_tokenizer, built.Model, _definition.Config.Model.Llm.MaxSequenceLength);
        var lossSamples = _splits.Train.Take(LossSamples).ToList();
        var evaluator = new Evaluator(built.Model, collator, CPU, LossSamples, prefetchBatches: 0);
        double before = evaluator.Evaluate(lossSamples).Loss;
        var stage = _definition.Config.Stages[0] with { Trainable = ["adapters"], Steps = TrainingSteps, Evaluate = false };
        var session = new TrainingSession
        {
            Model = built.Model, Inventory = built.Inventory, Splits = _splits, Device = CPU, Seed = _definition.Config.Run.Seed,
            Collator = collator, EvalBatchSize = LossSamples, LogEvery = TrainingSteps, Metrics = metrics, PrefetchBatches = 0,
            CreateSchedule = (selection, context) => PipelineRunner.CreateSchedule(_definition, selection, context),
            StepCompleted = _ => live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount),
            // As in a run: the stage is the first that trains the adapter, so it is switched on and activated.
            Activity = new AdapterActivity([stage], [_adapterName]), Adapters = built.Adapters,
        };
        new StageTrainer(session).Run(stage, 0);
        return new TrainingRun(before, evaluator.Evaluate(lossSamples).Loss, live, built);
    }

    private BuiltModel Build(PipelineDefinition definition, Device device) => ModelFactory.Build(definition, _tokenizer.VocabularySize, device);

    private PipelineDefinition WithoutAdapter() => new()
    {
        Document = _definition.Document, Config = _definition.Config, Catalog = _definition.Catalog, Encoders = _definition.Encoders, Adapters = [],
    };

    private PipelineDefinition WithSeed(long seed) => new()
    {
        Document = _definition.Document, Config = _definition.Config with { Run = _definition.Config.Run with { Seed = seed } },
        Catalog = _definition.Catalog, Encoders = _definition.Encoders, Adapters = _definition.Adapters,
    };

    /// <summary>Switches the adapter off on every site of the model, as the host does before the first stage that trains it.</summary>
    private void SwitchOff(BuiltModel built)
    {
        foreach (var site in built.Model.named_modules().Select(m => m.module).Prepend(built.Model).OfType<ISwitchableAdapterSite>())
            site.SetActive(_adapterName, false);
    }

    private IEnumerable<(string Name, Parameter Parameter)> AdapterParameters(BuiltModel built) =>
        built.Inventory.All.Where(p => built.Inventory.IsAdapter(p.Name));

    /// <summary>Moves every adapter parameter off its initial value, so merging and exporting have something to carry.</summary>
    private void Perturb(BuiltModel built)
    {
        using var noGrad = no_grad();
        var generator = new Generator(17);
        foreach (var (_, parameter) in AdapterParameters(built))
        {
            if (!parameter.is_floating_point()) continue;
            using var noise = randn(parameter.shape, dtype: parameter.dtype, generator: generator);
            parameter.add_(noise.mul_(0.05));
        }
    }

    /// <summary>The logits of the evaluation samples (every category: text, images and audio), in evaluation mode.</summary>
    private Tensor Logits(BuiltModel built)
    {
        built.Model.eval();
        using var noGrad = no_grad();
        var collator = new BatchCollator(_tokenizer, built.Model, _definition.Config.Model.Llm.MaxSequenceLength);
        using var batch = collator.Collate(_splits.Eval.ToList(), CPU);
        return built.Model.Forward(batch).Logits.detach();
    }

    /// <summary>The largest absolute difference of two tensors, and the tolerance for it (1e-4 of the larger magnitude, at least 1e-5).</summary>
    private static double MaxDifference(Tensor expected, Tensor actual, out double tolerance)
    {
        using var scope = NewDisposeScope();
        if (!expected.shape.SequenceEqual(actual.shape))
            throw new InvalidOperationException($"the outputs have different shapes, [{string.Join(", ", expected.shape)}] and [{string.Join(", ", actual.shape)}]");
        tolerance = Math.Max(1e-5, RelativeTolerance * expected.abs().max().ToDouble());
        return (expected.to_type(ScalarType.Float64) - actual.to_type(ScalarType.Float64)).abs().max().ToDouble();
    }

    private static string Number(double value) => value.ToString("G3", CultureInfo.InvariantCulture);

    private sealed record TrainingRun(double LossBefore, double LossAfter, IReadOnlyList<long> LiveTensors, BuiltModel Model);
}
