using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Training;

public sealed class FrozenWeightPrecisionTests
{
    private const string QProj = "model.layers.0.self_attn.q_proj";

    /// <summary>The tiny pipeline with a bfloat16 base, the vision encoder kept float32 and the audio encoder in float16.</summary>
    private static readonly string MixedYaml = TinyPipeline.Yaml.Replace(
        "model:\n", "model:\n  dtype: bfloat16\n  dtypes: { vision: float32, audio: float16 }\n");

    private static (PipelineDefinition Definition, BuiltModel Built, FrozenWeightPrecision Precision) Build(TinyPipeline pipeline, params string[] overrides)
    {
        var definition = PipelineLoader.Load(pipeline.ConfigPath, overrides);
        var (tokenizer, _) = DataFactory.Load(definition);
        var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        return (definition, built, new FrozenWeightPrecision(built.Model, built.Inventory, definition.Config.Model));
    }

    private static string Kind(BuiltModel built, string name) =>
        built.Inventory.IsAdapter(name) ? "adapter" : ParameterInventory.ComponentOf(name);

    [Fact]
    public void A_stage_stores_what_it_freezes_in_the_components_dtype_and_everything_it_trains_in_float32()
    {
        using var pipeline = new TinyPipeline(MixedYaml);
        var (_, built, precision) = Build(pipeline);
        using var _ = built;

        int converted = precision.Apply(["adapters", "projectors"]);
        built.Inventory.Select(["adapters", "projectors"], ["vision", "audio"]);

        var dtypes = built.Inventory.All.GroupBy(p => Kind(built, p.Name))
            .ToDictionary(g => g.Key, g => g.Select(p => p.Parameter.dtype).Distinct().ToList());
        dtypes["llm"].Should().Equal(ScalarType.BFloat16);
        dtypes["vision"].Should().Equal(ScalarType.Float32);
        dtypes["audio"].Should().Equal(ScalarType.Float16);
        dtypes["adapter"].Should().Equal(ScalarType.Float32);
        dtypes["projectors"].Should().Equal(ScalarType.Float32);
        converted.Should().Be(built.Inventory.All.Count(p => Kind(built, p.Name) is "llm" or "audio"));
        // The model, its sites and the inventory hold the same (new) parameter objects.
        var inModel = built.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        built.Inventory.All.Should().OnlyContain(p => ReferenceEquals(inModel[p.Name], p.Parameter));
        built.Model.Llm.LinearSites[QProj].Weight.Should().BeSameAs(inModel[$"llm.{QProj}.weight"]);
        built.Inventory.All.Where(p => p.Parameter.requires_grad).Should().OnlyContain(p => p.Parameter.dtype == ScalarType.Float32);

        precision.Apply(["llm", "encoders", "projectors"]).Should().Be(converted, "the next stage trains them again");
        built.Model.parameters().Select(p => p.dtype).Distinct().Should().Equal(ScalarType.Float32);
    }

    /// <summary>
    /// Tolerance: bfloat16 keeps 8 significant bits, so each weight and input element is rounded by at most 2^-8
    /// (0.4 %) relative, about 0.2 % on average; the rounding errors are independent and partly cancel over the
    /// 32-term dot products, so the output's relative error (Frobenius norm) stays well below the 1 % asserted here.
    /// </summary>
    [Fact]
    public void A_frozen_bfloat16_linear_with_float32_lora_stays_within_one_percent_of_float32_and_only_lora_gets_gradients()
    {
        using var pipeline = new TinyPipeline();
        var (_, built, precision) = Build(pipeline, "model.dtype=bfloat16");
        using var _ = built;
        using var scope = NewDisposeScope();
        var site = (nn.Module<Tensor, Tensor>)built.Model.Llm.LinearSites[QProj];
        var lora = built.Inventory.All.Where(p => p.Name.StartsWith($"llm.{QProj}.lora.", StringComparison.Ordinal)).Select(p => p.Parameter).ToList();
        using (no_grad()) lora.ForEach(p => p.normal_(0, 0.2)); // B starts at zero; give the delta a size
        manual_seed(11);
        Tensor input = randn(3, 5, 32);
        Tensor reference;
        using (no_grad()) reference = site.call(input);

        precision.Apply(["adapters"]);
        built.Inventory.Select(["adapters"], ["vision", "audio"]);
        Tensor output = site.call(input);
        output.sum().backward();

        built.Model.Llm.LinearSites[QProj].Weight.dtype.Should().Be(ScalarType.BFloat16);
        output.dtype.Should().Be(ScalarType.Float32);
        double relativeError = ((output - reference).norm() / reference.norm()).item<float>();
        relativeError.Should().BeGreaterThan(0, "the base really ran in bfloat16").And.BeLessThan(0.01);
        built.Model.Llm.LinearSites[QProj].Weight.grad.Should().BeNull();
        lora.Should().HaveCount(2);
        built.Inventory.All.Where(p => p.Name.StartsWith($"llm.{QProj}.lora.", StringComparison.Ordinal))
            .Should().OnlyContain(p => HasNonZeroFloat32Gradient(p.Parameter));
    }

    private static bool HasNonZeroFloat32Gradient(Tensor parameter) =>
        parameter.grad is { } grad && grad.dtype == ScalarType.Float32 && grad.abs().sum().item<float>() > 0;

    [Fact]
    public void With_a_bfloat16_base_the_logits_and_the_loss_are_float32()
    {
        using var pipeline = new TinyPipeline();
        var (definition, built, precision) = Build(pipeline, "model.dtype=bfloat16");
        using var _ = built;
        var (tokenizer, splits) = DataFactory.Load(definition);
        var collator = new BatchCollator(tokenizer, built.Model, 48);
        using var scope = NewDisposeScope();
        precision.Apply(["adapters", "projectors"]);
        built.Inventory.Select(["adapters", "projectors"], ["vision", "audio"]);
        using var batch = collator.Collate(splits.Train.Take(6).ToList(), CPU);

        var output = built.Model.Forward(batch);
        Tensor loss = LanguageModelLoss.CrossEntropy(output.Logits, batch.Labels);

        built.Inventory.All.Where(p => p.Name.StartsWith("encoders.", StringComparison.Ordinal) && !built.Inventory.IsAdapter(p.Name))
            .Should().OnlyContain(p => p.Parameter.dtype == ScalarType.BFloat16, "the media in the batch went through bfloat16 encoders");
        batch.Media.Should().NotBeEmpty();
        output.Logits.dtype.Should().Be(ScalarType.Float32);
        loss.dtype.Should().Be(ScalarType.Float32);
        double.IsFinite(loss.item<float>()).Should().BeTrue();
    }
}
