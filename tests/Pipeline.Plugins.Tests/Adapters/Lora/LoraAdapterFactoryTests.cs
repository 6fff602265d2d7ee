using Pipeline.Contracts.Adapters;
using Pipeline.Plugins.Adapters.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Lora;

public sealed class LoraAdapterFactoryTests
{
    private readonly ProjectionChain _llm = new(device: null, ("proj", 3, 2), ("out_proj", 2, 2));
    private readonly ProjectionChain _vision = new(device: null, ("q_proj", 4, 4), ("k_proj", 4, 4));

    private AdapterBuildContext Context(string adapterName = "lora", long seed = 7) => new(adapterName,
        new Dictionary<string, IAdaptableComponent>
        {
            ["llm"] = new TestComponent("llm", _llm, 2),
            ["vision"] = new TestComponent("vision", _vision, 4),
        },
        new NoForwardContext(), CPU, seed);

    private static float[] Values(Tensor t) => t.data<float>().ToArray();

    private static LoraOptions Options(double dropout = 0, int rank = 2, double alpha = 4, params string[] llmTargets) =>
        new() { Rank = rank, Alpha = alpha, Dropout = dropout, Targets = new() { ["llm"] = [.. llmTargets] } };

    [Fact]
    public void A_fresh_adapter_leaves_outputs_exactly_unchanged()
    {
        using var x = randn(5, 3);
        using var before = _llm.call(x);

        new LoraAdapterFactory().Attach(Options(0.05, 8, 16, "proj", "out_proj"), Context());
        _llm.eval();
        using var after = _llm.call(x);

        Values(after).Should().Equal(Values(before));
    }

    [Fact]
    public void The_adapted_projection_computes_W_x_plus_b_plus_scaled_B_A_x()
    {
        // W = [[1, 0, -1], [2, 1, 0]], b = [0.5, -0.5], x = [1, 2, 3]: W x + b = [-1.5, 3.5].
        // Rank 1, alpha 2 (scale 2), A = [[1, 1, 0]], B = [[1], [-2]]: A x = 3, B A x = [3, -6], scaled [6, -12].
        var adapter = (LoraAdapter)new LoraAdapterFactory().Attach(Options(rank: 1, alpha: 2, llmTargets: "proj"), Context());
        var proj = _llm[0];
        var delta = adapter.Deltas["llm:proj"];
        using (no_grad())
        {
            proj.Weight.copy_(tensor(new float[,] { { 1, 0, -1 }, { 2, 1, 0 } }));
            proj.Bias!.copy_(tensor(new float[] { 0.5f, -0.5f }));
            delta.A.copy_(tensor(new float[,] { { 1, 1, 0 } }));
            delta.B.copy_(tensor(new float[,] { { 1 }, { -2 } }));
        }
        proj.eval();

        using var y = proj.call(tensor(new float[,] { { 1, 2, 3 } }));
        y.data<float>().ToArray().Should().Equal(4.5f, -8.5f);

        using var deltaWeight = delta.DeltaWeight();
        deltaWeight.data<float>().ToArray().Should().Equal(2, 2, 0, -4, -4, 0);
    }

    [Fact]
    public void Merge_folds_the_delta_into_W_and_unmerge_restores_it()
    {
        var adapter = new LoraAdapterFactory().Attach(Options(llmTargets: ["proj", "out_proj"]), Context());
        using (no_grad())
        {
            foreach (var delta in ((LoraAdapter)adapter).Deltas.Values) delta.B.normal_();
        }
        _llm.eval();
        using var x = randn(4, 3);
        using var unmerged = _llm.call(x);
        using var weightBefore = _llm[0].Weight.clone();
        using var expectedDelta = ((LoraAdapter)adapter).Deltas["llm:proj"].DeltaWeight();

        adapter.Merge();
        _llm[0].IsMerged("lora").Should().BeTrue();
        using var merged = _llm.call(x);
        merged.allclose(unmerged, rtol: 0, atol: 1e-5).Should().BeTrue();
        using var weightChange = _llm[0].Weight - weightBefore;
        weightChange.allclose(expectedDelta, rtol: 0, atol: 1e-6).Should().BeTrue();
        expectedDelta.abs().max().item<float>().Should().BeGreaterThan(1e-3f, "the test needs a non-zero delta");

        adapter.Unmerge();
        _llm[0].IsMerged("lora").Should().BeFalse();
        _llm[0].Weight.allclose(weightBefore, rtol: 0, atol: 1e-6).Should().BeTrue();
        using var unmergedAgain = _llm.call(x);
        unmergedAgain.allclose(unmerged, rtol: 0, atol: 1e-5).Should().BeTrue();
    }

    [Fact]
    public void The_adapter_reports_its_sites_and_can_merge()
    {
        var adapter = new LoraAdapterFactory().Attach(Options(llmTargets: ["proj", "out_proj"]), Context("my_lora"));

        adapter.Name.Should().Be("my_lora");
        adapter.AttachedSites.Should().Equal("llm:proj", "llm:out_proj");
        adapter.CanMerge.Should().BeTrue();
        _llm[0].AdapterNames.Should().Equal("my_lora");
        _vision[0].AdapterNames.Should().BeEmpty();
    }

    [Fact]
    public void Only_lora_A_and_lora_B_are_new_parameters_and_they_require_grad()
    {
        var before = _llm.named_parameters().Select(p => p.name).ToHashSet();

        new LoraAdapterFactory().Attach(Options(llmTargets: "proj"), Context());

        var added = _llm.named_parameters().Where(p => !before.Contains(p.name)).ToList();
        added.Select(p => p.name).Should().BeEquivalentTo("proj.lora.lora_A.weight", "proj.lora.lora_B.weight");
        added.Should().OnlyContain(p => p.parameter.requires_grad);
    }

    [Fact]
    public void At_init_the_task_gradient_reaches_lora_B_but_not_lora_A()
    {
        // With B = 0, dL/dA = scale * B^T (...) is zero, while dL/dB = scale * dL/dy (A x)^T is not: training starts on B.
        var adapter = (LoraAdapter)new LoraAdapterFactory().Attach(Options(llmTargets: "proj"), Context());
        var delta = adapter.Deltas["llm:proj"];
        _llm.eval();

        using var loss = _llm.call(randn(4, 3)).square().sum();
        loss.backward();

        delta.B.grad!.abs().max().item<float>().Should().BeGreaterThan(0);
        delta.A.grad!.abs().max().item<float>().Should().Be(0);
    }

    [Fact]
    public void The_delta_forward_leaves_only_its_result_in_the_callers_scope()
    {
        var delta = new LoraDelta(inFeatures: 3, outFeatures: 2, rank: 2, scale: 2, dropout: 0.5);
        delta.train();
        using var x = randn(4, 3);

        using var scope = NewDisposeScope();
        using var y = delta.call(x);

        scope.DisposablesCount.Should().Be(1, "dropout and A x are temporaries of the delta's own scope");
    }

    [Fact]
    public void The_same_seed_gives_the_same_A_and_another_seed_a_different_one()
    {
        ProjectionChain Build(long seed)
        {
            var llm = new ProjectionChain(null, ("proj", 16, 16));
            var components = new Dictionary<string, IAdaptableComponent> { ["llm"] = new TestComponent("llm", llm, 16) };
            new LoraAdapterFactory().Attach(Options(llmTargets: "proj"), new AdapterBuildContext("lora", components, new NoForwardContext(), CPU, seed));
            return llm;
        }
        Tensor A(ProjectionChain llm) => ((LoraDelta)llm[0].GetDelta("lora")).A;

        var first = Build(1);
        var same = Build(1);
        var other = Build(2);

        Values(A(first)).Should().Equal(Values(A(same)));
        Values(A(first)).Should().NotEqual(Values(A(other)));
        A(first).abs().max().item<float>().Should().BeLessThanOrEqualTo(0.25f, "Kaiming-uniform with a = sqrt 5 is bounded by 1 / sqrt(fan_in)");
    }

    [Fact]
    public void A_pattern_that_matches_only_in_another_component_fails_with_a_hint_and_attaches_nothing()
    {
        var options = new LoraOptions { Targets = new() { ["llm"] = ["proj"], ["vision"] = ["proj"] } };
        var withHint = new LoraOptions { Targets = new() { ["llm"] = ["q_proj"] } };

        new LoraAdapterFactory().Invoking(f => f.Attach(withHint, Context())).Should().Throw<AdapterTargetException>()
            .Which.Message.Should().Be("adapter 'lora': target pattern 'q_proj' matches nothing in component 'llm' (it matches in 'vision': scope it there)");
        new LoraAdapterFactory().Invoking(f => f.Attach(options, Context())).Should().Throw<AdapterTargetException>()
            .Which.Message.Should().Be("adapter 'lora': target pattern 'proj' matches nothing in component 'vision' (it matches in 'llm': scope it there)");
        _llm[0].AdapterNames.Should().BeEmpty("targets are all checked before anything is attached");
    }

    [Fact]
    public void An_unknown_component_fails_naming_the_components_that_exist()
    {
        var options = new LoraOptions { Targets = new() { ["audio"] = ["q_proj"] } };

        new LoraAdapterFactory().Invoking(f => f.Attach(options, Context())).Should().Throw<AdapterTargetException>()
            .Which.Message.Should().Be("adapter 'lora': no component 'audio'; the model has: llm, vision");
    }

    [Fact]
    public void Dotted_patterns_select_by_full_path_within_the_component()
    {
        var adapter = new LoraAdapterFactory().Attach(
            new LoraOptions { Targets = new() { ["vision"] = ["*_proj"] } }, Context());

        adapter.AttachedSites.Should().Equal("vision:q_proj", "vision:k_proj");
    }
}
