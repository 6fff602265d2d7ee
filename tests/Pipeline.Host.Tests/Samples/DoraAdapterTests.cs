using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Modules;
using Pipeline.Contracts.Options;
using Pipeline.Host.Tests.Composition;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Samples;

/// <summary>The <c>dora</c> sample plugin on one projection: identity at start, the forward and gradients by hand, merge and activation.</summary>
[Collection(DoraSampleCollection.Name)]
[Trait("Category", "Build")]
public sealed class DoraAdapterTests(DoraSampleBuild build)
{
    private const string Path = "model.layers.0.self_attn.q_proj";

    private sealed class NoForwardContext : IForwardContextAccessor
    {
        public ForwardContext? Current => null;
    }

    /// <summary>Attaches <c>dora</c> with <paramref name="rank"/> and <paramref name="alpha"/> to a bias-free projection holding <paramref name="weight"/>.</summary>
    private (AdaptableLinear Projection, IAdapter Adapter, IWeightDecomposedLowRankTransform Transform) Attach(float[,] weight, int rank, double alpha)
    {
        IAdapterFactory factory = build.Catalog().GetAdapter("dora");
        var projection = new AdaptableLinear(weight.GetLength(1), weight.GetLength(0), hasBias: false);
        using (no_grad()) projection.Weight.copy_(tensor(weight));
        object options = Activator.CreateInstance(factory.OptionsType)!;
        factory.OptionsType.GetProperty("Rank")!.SetValue(options, rank);
        factory.OptionsType.GetProperty("Alpha")!.SetValue(options, alpha);
        factory.OptionsType.GetProperty("Targets")!.SetValue(options, new Dictionary<string, List<string>> { ["llm"] = ["q_proj"] });
        var context = new AdapterBuildContext("dora", new Dictionary<string, IAdaptableComponent> { ["llm"] = new SingleProjectionComponent("llm", Path, projection) },
            new NoForwardContext(), CPU, seed: 1);
        IAdapter adapter = factory.Attach(options, context);
        return (projection, adapter, (IWeightDecomposedLowRankTransform)projection.GetWeightTransform("dora"));
    }

    private static float[] Values(Tensor t) => t.data<float>().ToArray();

    // W has row norms 5 and 2. With A = [1 0], B = [0; 1] and scale 1: B A = [0 0; 1 0], V = [3 4; 1 2] (norms 5, sqrt 5).
    private static readonly float[,] Weight = { { 3, 4 }, { 0, 2 } };

    private static void SetHandPicked(IWeightDecomposedLowRankTransform transform)
    {
        using var noGrad = no_grad();
        transform.A.copy_(tensor(new float[,] { { 1, 0 } }));
        transform.B.copy_(tensor(new float[,] { { 0 }, { 1 } }));
        transform.Magnitude.copy_(tensor(new float[] { 10, 1 }));
    }

    [Fact]
    public void The_sample_is_discovered_as_the_dora_adapter_with_its_options_type()
    {
        var catalog = build.Catalog();

        catalog.Problems.Should().BeEmpty();
        catalog.Describe("adapter", "dora").Version.Should().Be("0.1.0");
        var factory = catalog.GetAdapter("dora");
        factory.OptionsType.Name.Should().Be("DoraOptions");
        typeof(IValidatableOptions).IsAssignableFrom(factory.OptionsType).Should().BeTrue();
    }

    [Fact]
    public void A_fresh_adapter_is_the_identity_with_the_magnitude_at_the_row_norms_and_b_at_zero()
    {
        using var scope = NewDisposeScope();
        var (projection, adapter, transform) = Attach(Weight, rank: 2, alpha: 4);
        using var input = tensor(new float[,] { { 1, 1 }, { -2, 0.5f } });

        adapter.AttachedSites.Should().Equal($"llm:{Path}");
        adapter.CanMerge.Should().BeTrue();
        projection.state_dict().Keys.Should().BeEquivalentTo("weight", "dora.lora_A.weight", "dora.lora_B.weight", "dora.magnitude");
        transform.A.shape.Should().Equal(2, 2);
        transform.B.shape.Should().Equal(2, 2);
        transform.Scale.Should().Be(2);
        Values(transform.Magnitude).Should().Equal(5f, 2f);
        Values(transform.B).Should().OnlyContain(v => v == 0);
        Values(transform.A).Should().Contain(v => v != 0);
        Values(projection.call(input)).Should().Equal(7f, 2f, -4f, 1f);
    }

    [Fact]
    public void The_weight_becomes_the_magnitude_times_the_row_normalised_direction_of_w_plus_scaled_b_a()
    {
        using var scope = NewDisposeScope();
        var (projection, _, transform) = Attach(Weight, rank: 1, alpha: 1);
        SetHandPicked(transform);

        // W' = [10 * (3, 4) / 5; 1 * (1, 2) / sqrt 5] = [6 8; 0.4472 0.8944]; W' (1, 1) = (14, 3 / sqrt 5).
        using var output = projection.call(tensor(new float[] { 1, 1 }));

        Values(output)[0].Should().BeApproximately(14f, 1e-5f);
        Values(output)[1].Should().BeApproximately((float)(3 / Math.Sqrt(5)), 1e-6f);
    }

    [Fact]
    public void The_row_norm_is_a_constant_in_the_backward()
    {
        using var scope = NewDisposeScope();
        var (projection, _, transform) = Attach(Weight, rank: 1, alpha: 1);
        SetHandPicked(transform);

        projection.call(tensor(new float[] { 1, 1 })).sum().backward();

        // With ||V|| constant: dL/dV = (m / ||V||) x^T = [2 2; 1/sqrt5 1/sqrt5], dL/dB = scale * dL/dV A^T = [2; 1/sqrt5],
        // dL/dm = (V x) / ||V|| = [7/5; 3/sqrt5]. Differentiating through the norm would give dL/dB[1] = 2/(5 sqrt 5) instead.
        var gradB = Values(transform.B.grad!);
        gradB[0].Should().BeApproximately(2f, 1e-6f);
        gradB[1].Should().BeApproximately((float)(1 / Math.Sqrt(5)), 1e-6f);
        var gradM = Values(transform.Magnitude.grad!);
        gradM[0].Should().BeApproximately(1.4f, 1e-6f);
        gradM[1].Should().BeApproximately((float)(3 / Math.Sqrt(5)), 1e-6f);
        projection.Weight.grad.Should().NotBeNull("the transform's input is the weight itself, as the site promises");
    }

    [Fact]
    public void Merge_stores_the_transformed_weight_and_unmerge_restores_the_base_weight_exactly()
    {
        using var scope = NewDisposeScope();
        var (projection, adapter, transform) = Attach(new float[,] { { 0.3f, -1.7f, 2.2f }, { 0.9f, 0.1f, -0.4f } }, rank: 2, alpha: 3);
        using (no_grad())
        {
            transform.B.copy_(tensor(new float[,] { { 0.5f, -0.25f }, { 1.5f, 0.75f } }));
            transform.Magnitude.mul_(1.3);
        }
        using var before = projection.Weight.detach().clone();
        using var input = tensor(new float[,] { { 1, -2, 0.5f }, { 0.25f, 3, 1 } });
        using var adapted = projection.call(input).detach();

        adapter.Merge();
        using var merged = projection.call(input).detach();
        using var rowNorms = linalg.vector_norm(projection.Weight.detach(), 2, [1]);
        adapter.Unmerge();

        merged.allclose(adapted, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
        rowNorms.allclose(transform.Magnitude.detach(), rtol: 1e-5).Should().BeTrue("each merged row has the length of its magnitude");
        projection.Weight.equal(before).all().item<bool>().Should().BeTrue("unmerge restores the weight bit for bit");
        projection.call(input).equal(adapted).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Activate_sets_the_magnitude_from_the_weight_as_it_is_then()
    {
        using var scope = NewDisposeScope();
        var (projection, adapter, transform) = Attach(Weight, rank: 2, alpha: 4);
        using (no_grad()) projection.Weight.copy_(tensor(new float[,] { { 6, 8 }, { 1, 0 } })); // an earlier stage trained W
        using var input = tensor(new float[] { 1, 1 });

        Values(projection.call(input)).Should().NotEqual([14f, 1f], "the magnitude is still the norm of the weight at build time");
        ((IAdapterActivation)adapter).Activate();

        Values(transform.Magnitude).Should().Equal(10f, 1f);
        Values(projection.call(input)).Should().Equal(14f, 1f);
    }

    [Fact]
    public void The_options_name_the_key_of_a_bad_rank_and_of_an_empty_target_list()
    {
        var factory = build.Catalog().GetAdapter("dora");
        object options = Activator.CreateInstance(factory.OptionsType)!;
        factory.OptionsType.GetProperty("Rank")!.SetValue(options, 0);
        factory.OptionsType.GetProperty("Targets")!.SetValue(options, new Dictionary<string, List<string>> { ["vision"] = [] });

        ((IValidatableOptions)options).Validate().Should().Equal(
            new OptionError("rank", "must be at least 1, got 0"),
            new OptionError("targets.vision", "must list at least one site pattern"));
    }
}
