using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Runtime;
using Pipeline.Host.Composition;
using Pipeline.Host.Data;
using Pipeline.Host.Modules.Llama;
using Pipeline.Host.Modules.Multimodal;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Conformance;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Adapters;

/// <summary>
/// The sample plugin <c>plugins/samples/PromptTuningAdapter</c>, built the way an outside author builds it and loaded
/// through plugin discovery: its soft tokens, its forward, switching it off, and its re-activation after a stage trained
/// the vocabulary.
/// </summary>
[Trait("Category", "Build")]
public sealed class PromptTuningSampleTests(SampleBuilds samples) : IClassFixture<SampleBuilds>
{
    private const string Sample = "PromptTuningAdapter";
    private const string Name = "prompt_tuning";
    private const string PromptKey = "llm.prompt_tuning.prompt_embeddings";

    /// <summary>The tiny pipeline with prompt tuning (<paramref name="tokens"/> soft tokens) in place of LoRA, its plugin folder named in the YAML.</summary>
    private string Yaml(int tokens) => TinyPipeline.Yaml
        .Replace("run:", $"plugins: [\"{samples.OutputOf(Sample)}\"]\nrun:")
        .Replace("""
                - plugin: lora
                  options:
                    rank: 4
                    alpha: 8
                    dropout: 0.0
                    targets:
                      llm: [q_proj, v_proj]
            """, $"""
                - plugin: prompt_tuning
                  options: {"{"} tokens: {tokens}, init: vocabulary {"}"}
            """);

    [Fact]
    public void The_soft_tokens_start_as_distinct_vocabulary_rows_drawn_with_the_adapter_seed()
    {
        using var pipeline = new TinyPipeline(Yaml(tokens: 5));
        var definition = PipelineLoader.Load(pipeline.ConfigPath);
        var (tokenizer, splits) = DataFactory.Load(definition);
        using var _ = splits;
        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        using var scope = NewDisposeScope();

        long[] rows = ExpectedRows(StableSeed.Derive(definition.Config.Run.Seed, Name), tokenizer.VocabularySize, count: 5);
        Tensor prompt = Parameter(built.Model, PromptKey);
        Tensor table = ((IAdaptableComponent)built.Model.Llm).TokenEmbeddings!.Weight;

        rows.Distinct().Should().HaveCount(5);
        prompt.shape.Should().Equal(5, 32);
        prompt.equal(table.index_select(0, tensor(rows))).all().item<bool>().Should().BeTrue("each soft token is a copy of its vocabulary row");
        prompt.requires_grad.Should().BeTrue();
        built.Adapters.Single().AttachedSites.Should().Equal("llm:sequence_prefix");
        built.Adapters.Single().StartsAsIdentity.Should().BeFalse();
        built.Adapters.Single().CanMerge.Should().BeFalse();
    }

    [Fact]
    public void With_the_prompt_the_llm_computes_the_base_model_on_the_prompt_then_the_text_and_returns_the_text_positions_only()
    {
        IAdapterFactory factory = PluginCatalog.Load([samples.OutputOf(Sample)]).GetAdapter(Name);
        var accessor = new ForwardContextAccessor();
        using var llm = new LlamaForCausalLM(new LlamaOptions { VocabSize = 40, HiddenSize = 16, IntermediateSize = 32, Layers = 2, Heads = 2, KvHeads = 1, MaxSequenceLength = 12 }, accessor);
        object options = Activator.CreateInstance(factory.OptionsType)!;
        factory.OptionsType.GetProperty("Tokens")!.SetValue(options, 3);
        factory.Attach(options, new AdapterBuildContext(Name, new Dictionary<string, IAdaptableComponent> { ["llm"] = llm }, accessor, CPU, seed: 11));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor ids = tensor(new long[,] { { 5, 9, 2, 7, 1 }, { 3, 3, 8, 0, 0 } });
        Tensor text = llm.EmbedTokens(ids);
        Tensor prompt = Parameter(llm, "prompt_tuning.prompt_embeddings");

        Tensor adapted;
        using (accessor.Use(new ForwardContext(ones(2, 5, dtype: ScalarType.Bool), zeros(2, dtype: ScalarType.Bool), isTraining: false)))
            adapted = llm.call(text);
        llm.SetActive(Name, false);
        Tensor plain = llm.call(text);
        // The base model, adapter off, run on [prompt; text] by hand: the first 3 positions are the prompt's.
        Tensor reference = llm.call(cat([prompt.unsqueeze(0).expand(2, -1, -1), text], 1)).narrow(1, 3, 5);

        adapted.shape.Should().Equal(2, 5, 40);
        adapted.allclose(reference, rtol: 1e-5, atol: 1e-6).Should().BeTrue("the prompt is the first 3 positions of the sequence the LLM runs");
        adapted.allclose(plain, rtol: 1e-3, atol: 1e-3).Should().BeFalse("text attends to the prompt");
        llm.IsActive(Name).Should().BeFalse();
    }

    [Fact]
    public void Switched_off_the_adapted_model_is_the_base_model_and_switched_on_it_keeps_the_output_length()
    {
        using var pipeline = new TinyPipeline(Yaml(tokens: 4));
        var definition = PipelineLoader.Load(pipeline.ConfigPath);
        var (tokenizer, splits) = DataFactory.Load(definition);
        using var _ = splits;
        using var adapted = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        using var plain = ModelFactory.Build(WithoutAdapters(definition), tokenizer.VocabularySize, CPU);
        var collator = new BatchCollator(tokenizer, adapted.Model, definition.Config.Model.Llm.MaxSequenceLength);
        using var batch = collator.Collate(splits.Eval.Take(6).ToList(), CPU);
        using var scope = NewDisposeScope();

        Tensor basic = Logits(plain.Model, batch);
        Tensor on = Logits(adapted.Model, batch);
        // Stage 0 (pretrain) does not train the adapter, stage 1 does: in stage 0 the host switches it off.
        new AdapterActivity(definition.Config.Stages, [Name]).Apply(adapted.Model, 0).Should().Equal(Name);
        Tensor off = Logits(adapted.Model, batch);

        on.shape.Should().Equal(basic.shape, "the 4 prompt positions are dropped from the output");
        on.allclose(basic, rtol: 1e-3, atol: 1e-3).Should().BeFalse();
        off.equal(basic).all().item<bool>().Should().BeTrue("switched off, the prompt is left out of the sequence");
    }

    [Fact]
    public void The_first_stage_that_trains_the_prompt_copies_the_vocabulary_rows_again_as_the_earlier_stage_left_them()
    {
        using var pipeline = new TinyPipeline(Yaml(tokens: 6));
        // Stage 2 takes one step at a learning rate too small to move the tokens visibly: what it shows is the activation.
        var definition = PipelineLoader.Load(pipeline.ConfigPath, [
            "stages.0.steps=8", "stages.0.evaluate=false", "stages.0.learning_rate.llm=2.0e-2",
            "stages.1.steps=1", "stages.1.evaluate=false", "stages.1.trainable=[adapters]", "stages.1.learning_rate.llm=1.0e-9"]);
        var (tokenizer, splits) = DataFactory.Load(definition);
        using var _ = splits;
        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        using var metrics = new MetricsWriter(Path.Combine(pipeline.Directory, "metrics.jsonl"));
        using var scope = NewDisposeScope();
        Tensor rows = tensor(ExpectedRows(StableSeed.Derive(definition.Config.Run.Seed, Name), tokenizer.VocabularySize, count: 6));
        Tensor table() => ((IAdaptableComponent)built.Model.Llm).TokenEmbeddings!.Weight;
        Tensor atBuild = table().index_select(0, rows).detach().clone();
        // Filled when stage 2 starts, before its activation; made here so they live in this test's scope.
        Tensor promptBeforeStage2 = zeros(6, 32), rowsBeforeStage2 = zeros(6, 32);
        var session = new TrainingSession
        {
            Model = built.Model, Inventory = built.Inventory, Splits = splits, Device = CPU, Seed = definition.Config.Run.Seed,
            Collator = new BatchCollator(tokenizer, built.Model, definition.Config.Model.Llm.MaxSequenceLength),
            EvalBatchSize = 32, LogEvery = 100, Metrics = metrics, PrefetchBatches = 0,
            Activity = new AdapterActivity(definition.Config.Stages, [Name]), Adapters = built.Adapters,
            CreateSchedule = (selection, context) => PipelineRunner.CreateSchedule(definition, selection, context),
            StageStarted = start =>
            {
                if (start.Index != 1) return;
                using var noGrad = no_grad();
                promptBeforeStage2.copy_(Parameter(built.Model, PromptKey));
                rowsBeforeStage2.copy_(table().index_select(0, rows));
            },
        };
        var trainer = new StageTrainer(session);

        trainer.Run(definition.Config.Stages[0], 0);
        trainer.Run(definition.Config.Stages[1], 1);

        (rowsBeforeStage2 - atBuild).abs().max().item<float>().Should().BeGreaterThan(1e-3f, "stage 1 trained the embeddings");
        promptBeforeStage2.equal(atBuild).all().item<bool>().Should().BeTrue("until it trains, the prompt holds the rows as built");
        (Parameter(built.Model, PromptKey) - rowsBeforeStage2).abs().max().item<float>().Should().BeLessThan(1e-6f,
            "the stage that first trains the prompt starts it from the rows as stage 1 left them");
    }

    /// <summary>The first <paramref name="count"/> rows of a permutation of the vocabulary drawn with <paramref name="seed"/>.</summary>
    private static long[] ExpectedRows(long seed, int vocabularySize, int count)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        using var permutation = randperm(vocabularySize, generator: generator);
        return permutation.data<long>().Take(count).ToArray();
    }

    private static Tensor Parameter(nn.Module model, string name) => model.named_parameters().Single(p => p.name == name).parameter;

    private static Tensor Logits(MultimodalModel model, ModelBatch batch) => FinalizerFence.Run(() =>
    {
        model.eval();
        using var noGrad = no_grad();
        return model.Forward(batch).Logits;
    });

    private static PipelineDefinition WithoutAdapters(PipelineDefinition definition) => new()
    {
        Document = definition.Document, Config = definition.Config, Catalog = definition.Catalog, Encoders = definition.Encoders, Adapters = [],
    };
}
