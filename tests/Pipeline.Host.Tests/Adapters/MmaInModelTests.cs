using System.Text.Json;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Adapters;

/// <summary>The <c>mma</c> plugin inside the real model: identity at init, per-sample routing, the hidden modality token, training.</summary>
public sealed class MmaInModelTests
{
    private const string FirstLlmBlock = "llm.model.layers.0.attn_input.mma";
    private const string ModalityEmbedding = "llm.mma.modality_embedding.weight";

    /// <summary>Runs the model's forward and returns a copy of the input of the module at <paramref name="path"/>.</summary>
    private static Tensor InputOf(MmaModel mma, string path)
    {
        Tensor? captured = null;
        var module = mma.Module(path);
        var hook = module.register_forward_hook((_, input, output) =>
        {
            captured = input.detach().clone().DetachFromDisposeScope();
            return output;
        });
        try
        {
            mma.Logits().Dispose();
        }
        finally
        {
            hook.remove();
        }
        return captured ?? throw new InvalidOperationException($"{path} did not run");
    }

    /// <summary><c>softmax((W_m Z[:, 0] + b_m) / tau)</c> from the block's own parameters, computed here by hand.</summary>
    private static float[][] RoutingWeights(MmaModel mma, string path, Tensor input, double temperature = 10)
    {
        using var scope = NewDisposeScope();
        Tensor logits = input.select(1, 0).matmul(mma.Parameter(path + ".router.weight").t()) + mma.Parameter(path + ".router.bias");
        Tensor weights = softmax(logits / temperature, dim: -1);
        return Enumerable.Range(0, (int)weights.shape[0]).Select(i => weights[i].data<float>().ToArray()).ToArray();
    }

    [Fact]
    public void A_fresh_mma_adapter_leaves_the_logits_of_a_mixed_batch_unchanged()
    {
        using var plain = new MmaModel(withMma: false);
        using var adapted = new MmaModel();

        using var before = plain.Logits();
        using var after = adapted.Logits();

        after.shape.Should().Equal(before.shape);
        allclose(after, before, rtol: 0, atol: 1e-5).Should().BeTrue("zero up-projections are identities and the modality token is hidden from text");
    }

    [Fact]
    public void Text_only_and_media_samples_of_one_batch_are_routed_by_their_own_row_of_E_m()
    {
        using var mma = new MmaModel();

        using var input = InputOf(mma, FirstLlmBlock);
        var weights = RoutingWeights(mma, FirstLlmBlock, input);

        mma.Samples.Select(s => s.Media is not null).Should().Equal(false, true, true, false, true, true);
        weights[3].Should().Equal(weights[0], "both text-only samples start with E_m[0]");
        new[] { weights[2], weights[4], weights[5] }.Should().AllSatisfy(w => w.Should().Equal(weights[1]), "every media sample starts with E_m[1]");
        weights[1].Should().NotEqual(weights[0]);
    }

    [Fact]
    public void Encoder_blocks_route_each_sample_on_its_own_class_token()
    {
        using var mma = new MmaModel();

        using var firstBlock = InputOf(mma, "encoders.vision.encoder.layers.0.attn_input.mma");
        using var secondBlock = InputOf(mma, "encoders.vision.encoder.layers.1.attn_input.mma");
        var atFirst = RoutingWeights(mma, "encoders.vision.encoder.layers.0.attn_input.mma", firstBlock);
        var atSecond = RoutingWeights(mma, "encoders.vision.encoder.layers.1.attn_input.mma", secondBlock);

        firstBlock.shape[0].Should().Be(2, "the vision encoder sees the batch's two images only");
        atFirst[1].Should().Equal(atFirst[0], "before any attention, [CLS] is the same learned token for every image");
        atSecond[1].Should().NotEqual(atSecond[0], "after a block, each image's [CLS] has read its own patches");
    }

    [Fact]
    public void No_text_position_attends_to_the_modality_token_it_acts_only_through_routing()
    {
        using var mma = new MmaModel();
        mma.RandomiseUpProjections(seed: 11);
        using (no_grad())
        {
            // Routers that ignore their input: routing no longer depends on the modality token.
            foreach (var (name, parameter) in mma.Model.named_parameters().Where(p => p.name.StartsWith("llm.") && p.name.EndsWith(".mma.router.weight")))
                parameter.zero_();
        }
        using var logits = mma.Logits();
        using var tokenState = InputOf(mma, "llm.model.layers.1.attn_input.mma").select(1, 0).clone();

        using (no_grad()) mma.Parameter(ModalityEmbedding).add_(randn(2, 32) * 3);
        using var perturbedLogits = mma.Logits();
        using var perturbedTokenState = InputOf(mma, "llm.model.layers.1.attn_input.mma").select(1, 0).clone();

        allclose(perturbedTokenState, tokenState, rtol: 0, atol: 1e-3).Should().BeFalse("position 0 carries the new token");
        allclose(perturbedLogits, logits, rtol: 0, atol: 1e-6).Should().BeTrue("no text position sees position 0");
    }

    [Fact]
    public void Perturbing_the_modality_token_changes_the_routing_and_through_it_the_text_outputs()
    {
        using var mma = new MmaModel();
        mma.RandomiseUpProjections(seed: 12);
        using var logits = mma.Logits();
        using var input = InputOf(mma, FirstLlmBlock);
        var weights = RoutingWeights(mma, FirstLlmBlock, input);

        using (no_grad()) mma.Parameter(ModalityEmbedding).add_(randn(2, 32) * 3);
        using var perturbedLogits = mma.Logits();
        using var perturbedInput = InputOf(mma, FirstLlmBlock);
        var perturbedWeights = RoutingWeights(mma, FirstLlmBlock, perturbedInput);

        perturbedWeights[0].Should().NotEqual(weights[0]);
        perturbedWeights[1].Should().NotEqual(weights[1]);
        allclose(perturbedLogits, logits, rtol: 0, atol: 1e-4).Should().BeFalse();
    }

    [Fact]
    public void Adapter_parameters_including_E_m_are_named_under_their_sites_and_train_with_adapters()
    {
        using var mma = new MmaModel();
        var shapes = mma.Model.named_parameters().ToDictionary(p => p.name, p => string.Join(" x ", p.parameter.shape));
        var inventory = mma.Built.Inventory;

        shapes.Should().Contain(new Dictionary<string, string>
        {
            [ModalityEmbedding] = "2 x 32",
            ["llm.model.layers.1.attn_input.mma.router.weight"] = "2 x 32",
            ["encoders.vision.encoder.layers.1.attn_input.mma.down_proj.weight"] = "8 x 32",
            ["encoders.audio.layers.1.attn_input.mma.up_proj_1.weight"] = "32 x 4",
            ["encoders.audio.class_embedding"] = "32",
        });
        inventory.IsAdapter(ModalityEmbedding).Should().BeTrue();
        inventory.AdapterOf(ModalityEmbedding).Should().Be("mma");
        inventory.IsAdapter("encoders.audio.class_embedding").Should().BeFalse("the class token is part of the encoder");

        var trainable = inventory.Select(["adapters", "projectors"], ["vision", "audio"]);
        const int block = 20 * 32 + 10, projector = 32 * 16 + 16 + 16 * 32 + 32;
        trainable.Sum(p => p.Parameter.numel()).Should().Be(6 * block + 2 * 32 + 2 * projector, "2 LLM + 2 vision + 2 audio blocks, E_m, 2 projectors");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_short_mma_run_on_mixed_batches_trains_and_its_loss_falls(bool routing)
    {
        using var pipeline = new TinyPipeline(routing ? MmaModel.Yaml : UnroutedMmaTests.Yaml);

        var result = PipelineRunner.Train(PipelineLoader.Load(pipeline.ConfigPath), _ => { });

        var losses = File.ReadAllLines(Path.Combine(pipeline.OutputDirectory, "metrics.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(r => r.GetProperty("kind").GetString() == "train" && r.GetProperty("stage").GetString() == "instruct")
            .Select(r => r.GetProperty("loss").GetDouble()).ToList();
        losses.Should().HaveCount(6);
        losses.Last().Should().BeLessThan(losses.First() * 0.8, "the adapters and projectors must learn: losses were {0}", string.Join(", ", losses));
        result.Stages[1].Evaluation!.Samples.Should().Be(30);
    }
}
