using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Modules;
using Pipeline.Contracts.Options;
using Pipeline.Host.Composition;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Composition;

/// <summary>The third-party sample plugin, built from source as its README says, then discovered and used.</summary>
[Trait("Category", "Build")]
public sealed class SamplePluginTests(SamplePluginBuild build) : IClassFixture<SamplePluginBuild>
{
    [Fact]
    public void The_sample_builds_against_the_contracts_and_is_discovered_as_the_ia3_adapter()
    {
        build.ExitCode.Should().Be(0, build.Log);

        var catalog = PluginCatalog.Load([build.OutputDirectory]);

        catalog.Problems.Should().BeEmpty();
        catalog.AssemblyPaths.Should().Equal(build.PluginPath);
        var ia3 = catalog.Describe("adapter", "ia3");
        ia3.AssemblyPath.Should().Be(build.PluginPath);
        ia3.Version.Should().Be("0.2.0");
        IAdapterFactory factory = catalog.GetAdapter("ia3");
        factory.OptionsType.Name.Should().Be("Ia3Options");
        typeof(IAdapterFactory).IsAssignableFrom(factory.GetType()).Should().BeTrue();
        typeof(IValidatableOptions).IsAssignableFrom(factory.OptionsType).Should().BeTrue();
    }

    [Fact]
    public void Loading_the_sample_loads_no_second_copy_of_the_contracts_or_TorchSharp()
    {
        // The build output holds its own Pipeline.Contracts.dll (dotnet build -o copies referenced projects there).
        File.Exists(Path.Combine(build.OutputDirectory, "Pipeline.Contracts.dll")).Should().BeTrue();

        PluginCatalog.Load([build.OutputDirectory]).GetAdapter("ia3");

        PluginCatalogTests.LoadedCopies("Pipeline.Contracts").Should().Be(1);
        PluginCatalogTests.LoadedCopies("TorchSharp").Should().Be(1);
    }

    [Fact]
    public void The_ia3_adapter_starts_as_the_identity_and_scales_each_output_channel_through_the_weight()
    {
        using var scope = NewDisposeScope();
        using var projection = Projection(hasBias: false);
        IAdapter adapter = AttachIa3(projection);
        using var input = tensor(new float[] { 1, 1 });

        adapter.AttachedSites.Should().Equal("llm:model.layers.0.self_attn.k_proj");
        adapter.StartsAsIdentity.Should().BeTrue();
        projection.state_dict().Keys.Should().BeEquivalentTo("weight", "ia3.scale");
        projection.GetWeightTransform("ia3").Should().NotBeNull("the scale is a weight transform, not a delta on the output");
        projection.call(input).data<float>().ToArray().Should().Equal(3f, 7f);
        using (no_grad()) projection.state_dict()["ia3.scale"].copy_(tensor(new float[] { 2f, 0.5f }));
        // diag(2, 0.5) [[1, 2], [3, 4]] = [[2, 4], [1.5, 2]]; times (1, 1): (6, 3.5).
        projection.call(input).data<float>().ToArray().Should().Equal(6f, 3.5f);
    }

    [Fact]
    public void Merging_ia3_stores_the_scaled_weight_and_unmerging_restores_the_original_bit_for_bit()
    {
        using var scope = NewDisposeScope();
        using var projection = Projection(hasBias: false);
        using (no_grad()) projection.Weight.copy_(tensor(new float[,] { { 0.1f, -0.7f }, { 1.3f, 0.3f } }));
        using var original = projection.Weight.detach().clone();
        IAdapter adapter = AttachIa3(projection);
        using (no_grad()) projection.state_dict()["ia3.scale"].copy_(tensor(new float[] { 3f, -0.25f }));
        using var input = tensor(new float[] { 2, -1 });
        float[] before = projection.call(input).data<float>().ToArray();

        adapter.CanMerge.Should().BeTrue();
        adapter.Merge();

        projection.IsMerged("ia3").Should().BeTrue();
        projection.Weight.data<float>().ToArray().Should().Equal(3f * 0.1f, 3f * -0.7f, -0.25f * 1.3f, -0.25f * 0.3f);
        projection.call(input).data<float>().ToArray().Should().Equal(before);
        adapter.Unmerge();
        projection.Weight.equal(original).all().item<bool>().Should().BeTrue("unmerge puts the weight from before the merge back exactly");
        projection.call(input).data<float>().ToArray().Should().Equal(before);
    }

    [Fact]
    public void Ia3_refuses_a_projection_with_a_bias_and_attaches_nothing()
    {
        using var projection = Projection(hasBias: true);

        var act = () => AttachIa3(projection);

        act.Should().Throw<AdapterTargetException>().WithMessage(
            "adapter 'ia3': projection 'llm:model.layers.0.self_attn.k_proj' has a bias; ia3 scales the whole output l * (W x + b), " +
            "which a scaled weight (diag(l) W) x + b is not, so it targets projections without a bias only (the LLM's)");
        projection.AdapterNames.Should().BeEmpty();
    }

    /// <summary>A 2 x 2 projection with weight [[1, 2], [3, 4]] at the LLM's <c>k_proj</c> path.</summary>
    private static AdaptableLinear Projection(bool hasBias)
    {
        var projection = new AdaptableLinear(2, 2, hasBias);
        using (no_grad()) projection.Weight.copy_(tensor(new float[,] { { 1, 2 }, { 3, 4 } }));
        return projection;
    }

    private IAdapter AttachIa3(AdaptableLinear projection)
    {
        IAdapterFactory factory = PluginCatalog.Load([build.OutputDirectory]).GetAdapter("ia3");
        var component = new SingleProjectionComponent("llm", "model.layers.0.self_attn.k_proj", projection);
        object options = Activator.CreateInstance(factory.OptionsType)!;
        factory.OptionsType.GetProperty("Targets")!.SetValue(options, new Dictionary<string, List<string>> { ["llm"] = ["k_proj"] });
        var context = new AdapterBuildContext("ia3", new Dictionary<string, IAdaptableComponent> { ["llm"] = component },
            new NoForwardContext(), CPU, seed: 1);
        return factory.Attach(options, context);
    }

    [Fact]
    public void The_ia3_options_name_the_key_of_an_empty_target_list()
    {
        IAdapterFactory factory = PluginCatalog.Load([build.OutputDirectory]).GetAdapter("ia3");
        object options = Activator.CreateInstance(factory.OptionsType)!;
        factory.OptionsType.GetProperty("Targets")!.SetValue(options, new Dictionary<string, List<string>> { ["vision"] = [] });

        ((IValidatableOptions)options).Validate().Should().Equal(new OptionError("targets.vision", "must list at least one site pattern"));
    }

    private sealed class NoForwardContext : IForwardContextAccessor
    {
        public ForwardContext? Current => null;
    }
}
