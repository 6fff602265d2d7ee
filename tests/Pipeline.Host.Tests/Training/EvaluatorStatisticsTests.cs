using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Runtime;
using Pipeline.Host.Modules.Multimodal;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Training;

/// <summary>
/// The evaluator averages what adapters report per sample (<see cref="ForwardContext.AddSampleStatistic"/>) over each
/// category's samples and over all samples. A probe adapter reports, per sample, <c>[has media, no media, real tokens]</c>,
/// whose means the test computes from the samples alone.
/// </summary>
public sealed class EvaluatorStatisticsTests
{
    /// <summary>
    /// Reports <c>probe = [has media, 1 - has media, real tokens]</c> from the LLM's first feed-forward input (with one
    /// unused parameter, as the host wants every adapter to add some).
    /// </summary>
    private sealed class ProbeObserver : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Parameter unused = new(zeros(1));
        private readonly IForwardContextAccessor accessor;
        private readonly List<bool> collected;

        public ProbeObserver(IForwardContextAccessor accessor, List<bool> collected) : base(nameof(ProbeObserver))
        {
            this.accessor = accessor;
            this.collected = collected;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            var context = accessor.Current!;
            collected.Add(context.CollectsSampleStatistics);
            if (!context.CollectsSampleStatistics) return input;
            using var scope = NewDisposeScope();
            Tensor media = context.SampleHasMedia.to_type(ScalarType.Float32);
            Tensor tokens = context.TokenMask.to_type(ScalarType.Float32).sum(1);
            context.AddSampleStatistic("probe", stack([media, 1 - media, tokens], 1));
            return input;
        }
    }

    private sealed class ProbeAdapterFactory(List<bool> collected) : IAdapterFactory
    {
        public Type OptionsType => typeof(object);

        public string Description => "reports known per-sample values";

        public IAdapter Attach(object options, AdapterBuildContext context)
        {
            context.Component("llm").FeedForwardSites[0].AttachInputObserver(context.AdapterName, new ProbeObserver(context.ForwardContext, collected));
            return new Probe(context.AdapterName);
        }
    }

    private sealed class Probe(string name) : IAdapter
    {
        public string Name => name;

        public IReadOnlyList<string> AttachedSites => ["llm:model.layers.0.mlp"];

        public bool CanMerge => false;

        public void Merge() => throw new NotSupportedException();

        public void Unmerge() => throw new NotSupportedException();
    }

    private static BuiltModel BuildWithProbe(TinyPipeline pipeline, List<bool> collected, out BatchCollator collator, out DataSplits splits)
    {
        var loaded = PipelineLoader.Load(pipeline.ConfigPath);
        var definition = new PipelineDefinition
        {
            Document = loaded.Document, Config = loaded.Config, Catalog = loaded.Catalog, Encoders = loaded.Encoders,
            Adapters = [new ConfiguredPlugin<IAdapterFactory>("probe", "probe", new ProbeAdapterFactory(collected), new object(), loaded.Adapters.Single().Node)],
        };
        var (tokenizer, data) = DataFactory.Load(definition);
        splits = data;
        var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        collator = new BatchCollator(tokenizer, built.Model, 48);
        return built;
    }

    [Fact]
    public void Each_categorys_mean_and_the_overall_mean_are_those_of_the_samples_rows_across_batches()
    {
        using var pipeline = new TinyPipeline();
        var collected = new List<bool>();
        using var built = BuildWithProbe(pipeline, collected, out var collator, out var splits);
        using var _ = splits;
        // Categories interleaved, so every batch of 7 mixes them and the last batch is short.
        var samples = splits.Eval.Select((s, i) => (s, i)).OrderBy(p => p.i % 7).ThenBy(p => p.i).Select(p => p.s).ToList();
        var realTokens = samples.ToDictionary(s => s, s => FinalizerFence.Run(() =>
        {
            using var scope = NewDisposeScope();
            using var alone = collator.Collate([s], CPU);
            return alone.TokenMask.sum().item<long>();
        }));

        var result = new Evaluator(built.Model, collator, CPU, batchSize: 7).Evaluate(samples);

        collected.Should().HaveCount(5).And.OnlyContain(c => c, "five evaluation forwards (30 samples in batches of 7), all collecting");
        var expected = new Dictionary<string, double>
        {
            ["stat_probe_0"] = 2.0 / 3, ["stat_probe_1"] = 1.0 / 3, ["stat_probe_2"] = realTokens.Values.Average(),
        };
        foreach (var category in new[] { "audio", "image", "text" })
        {
            double media = category == "text" ? 0 : 1;
            expected[$"stat_probe_{category}_0"] = media;
            expected[$"stat_probe_{category}_1"] = 1 - media;
            expected[$"stat_probe_{category}_2"] = samples.Where(s => s.Category == category).Average(s => realTokens[s]);
        }
        result.Statistics.Keys.Should().Equal(expected.Keys);
        foreach (var (key, value) in expected)
            result.Statistics[key].Should().BeApproximately(value, 1e-9, key);
        expected["stat_probe_audio_2"].Should().NotBe(expected["stat_probe_text_2"], "the categories' token counts must differ for the test to tell them apart");
    }

    [Fact]
    public void Training_forwards_do_not_collect_and_the_model_refuses_to_collect_in_training_mode()
    {
        using var pipeline = new TinyPipeline();
        var collected = new List<bool>();
        using var built = BuildWithProbe(pipeline, collected, out var collator, out var splits);
        using var _ = splits;

        var (statistics, refusal) = FinalizerFence.Run(() =>
        {
            using var scope = NewDisposeScope();
            using var batch = collator.Collate(splits.Train.Take(4).ToList(), CPU);
            built.Model.train();
            int reported = built.Model.ForwardSupervised(batch).SampleStatistics.Count;
            var refused = () => built.Model.ForwardSupervised(batch, collectSampleStatistics: true);
            return (reported, refused.Should().Throw<ArgumentException>().Which.Message);
        });

        statistics.Should().Be(0);
        collected.Should().Equal(false);
        refusal.Should().Be("a training forward does not collect sample statistics (Parameter 'collectsSampleStatistics')");
    }
}
