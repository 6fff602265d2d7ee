using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Modules;
using static Pipeline.Host.Tests.Modules.ProjectionAdapterModules;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Modules;

/// <summary>
/// What <see cref="AdaptableLinear"/> refuses once weight transforms are attached, each with the message that says what to
/// do first, and leaving the weight as it was.
/// </summary>
public sealed class WeightTransformRefusalTests
{
    private static readonly float[,] Diagonal = { { 1, 0, 0 }, { 0, 0, 1 } };

    /// <summary>A 2 x 3 projection with a seeded weight.</summary>
    private static AdaptableLinear Projection()
    {
        manual_seed(11);
        return new AdaptableLinear(3, 2);
    }

    [Fact]
    public void A_delta_does_not_merge_while_a_transform_runs_unmerged()
    {
        using var projection = Projection();
        using var original = projection.Weight.detach().clone();
        projection.AttachWeightTransform("ia3", new RowScale([2f, 3f]));
        projection.Attach("lora", new FixedDelta(Diagonal));

        var act = () => projection.Merge("lora");

        act.Should().Throw<InvalidOperationException>().WithMessage(
            "adapter 'lora' cannot be merged while the weight transform of 'ia3' is attached here and not merged: the transform would change the merged delta; merge 'ia3' first");
        projection.IsMerged("lora").Should().BeFalse();
        projection.Weight.equal(original).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void A_delta_merges_while_the_transform_is_switched_off()
    {
        using var projection = Projection();
        using var original = projection.Weight.detach().clone();
        projection.AttachWeightTransform("ia3", new RowScale([2f, 3f]));
        projection.Attach("lora", new FixedDelta(Diagonal));
        projection.SetActive("ia3", false);

        projection.Merge("lora");

        projection.IsMerged("lora").Should().BeTrue();
    }

    [Fact]
    public void An_adapter_switched_off_does_not_merge_and_a_merged_one_does_not_switch_off()
    {
        using var projection = Projection();
        using var original = projection.Weight.detach().clone();
        projection.AttachWeightTransform("ia3", new RowScale([2f, 3f]));
        projection.Attach("lora", new FixedDelta(Diagonal));
        projection.SetActive("lora", false);

        var merge = () => projection.Merge("lora");

        merge.Should().Throw<InvalidOperationException>().WithMessage(
            "adapter 'lora' is switched off here, so merging it would change the output; switch it on first");
        projection.Weight.equal(original).all().item<bool>().Should().BeTrue();

        projection.Merge("ia3");
        var switchOff = () => projection.SetActive("ia3", false);

        switchOff.Should().Throw<InvalidOperationException>().WithMessage(
            "adapter 'ia3' is merged into the weight here and cannot be switched off; unmerge it first");
        projection.IsActive("ia3").Should().BeTrue();
    }

    [Fact]
    public void A_transform_switched_off_does_not_switch_on_while_a_delta_is_merged()
    {
        using var projection = Projection();
        projection.AttachWeightTransform("ia3", new RowScale([2f, 3f]));
        projection.Attach("lora", new FixedDelta(Diagonal));
        projection.SetActive("ia3", false);
        projection.Merge("lora");

        var act = () => projection.SetActive("ia3", true);

        act.Should().Throw<InvalidOperationException>().WithMessage(
            "the weight transform of 'ia3' cannot be switched on while 'lora' is merged into the weight here (it would transform the merged weight); unmerge it first");
        projection.IsActive("ia3").Should().BeFalse();
        projection.Unmerge("lora");
        projection.SetActive("ia3", true);
        projection.IsActive("ia3").Should().BeTrue();
    }

    [Fact]
    public void Transforms_merge_only_in_attachment_order()
    {
        using var projection = Projection();
        using var original = projection.Weight.detach().clone();
        projection.AttachWeightTransform("first", new RowScale([2f, 3f]));
        projection.AttachWeightTransform("second", new AddConstant(1f));

        var act = () => projection.Merge("second");

        act.Should().Throw<InvalidOperationException>().WithMessage(
            "adapter 'second' cannot be merged before 'first': weight transforms merge in the order they were attached, and 'first' runs first");
        projection.Weight.equal(original).all().item<bool>().Should().BeTrue();
        projection.Merge("first");
        projection.Merge("second");
        projection.IsMerged("second").Should().BeTrue();
    }

    [Fact]
    public void A_transform_does_not_unmerge_while_something_merged_after_it_is_still_merged()
    {
        using var projection = Projection();
        using var original = projection.Weight.detach().clone();
        projection.AttachWeightTransform("ia3", new RowScale([2f, 3f]));
        projection.Attach("lora", new FixedDelta(Diagonal));
        projection.Merge("ia3");
        projection.Merge("lora");
        using var merged = projection.Weight.detach().clone();

        var act = () => projection.Unmerge("ia3");

        act.Should().Throw<InvalidOperationException>().WithMessage(
            "adapter 'ia3' cannot be unmerged while 'lora', merged after it, is still merged (a weight transform is unmerged by restoring the weight from before it): unmerge 'lora' first");
        projection.IsMerged("ia3").Should().BeTrue();
        projection.Weight.equal(merged).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void A_delta_does_not_unmerge_while_a_transform_merged_after_it_is_still_merged()
    {
        using var projection = Projection();
        using var original = projection.Weight.detach().clone();
        projection.Attach("lora", new FixedDelta(Diagonal));
        projection.Merge("lora");
        projection.AttachWeightTransform("ia3", new RowScale([2f, 3f]));
        projection.Merge("ia3");

        var act = () => projection.Unmerge("lora");

        act.Should().Throw<InvalidOperationException>().WithMessage(
            "adapter 'lora' cannot be unmerged while 'ia3', merged after it, is still merged as a weight transform: unmerge 'ia3' first");
        projection.Unmerge("ia3");
        projection.Unmerge("lora");
        // The transform restores W + D bit for bit; subtracting D again rounds.
        allclose(projection.Weight, original, rtol: 0, atol: 1e-6).Should().BeTrue();
    }

    [Fact]
    public void A_transform_returning_another_shape_fails_in_forward_naming_its_adapter()
    {
        using var projection = Projection();
        projection.AttachWeightTransform("summer", new ColumnSums());
        using var input = ones(1, 3);

        var act = () => projection.call(input);

        var failure = act.Should().Throw<AdapterForwardException>().Which;
        failure.AdapterName.Should().Be("summer");
        failure.Site.Should().BeSameAs(projection);
        failure.Message.Should().Be("adapter 'summer' failed in forward: its module returned shape [1, 3]; the projection's weight has shape [2, 3]");
    }

    [Fact]
    public void A_transform_returning_a_shape_that_would_broadcast_is_refused_at_merge_and_leaves_the_weight()
    {
        using var projection = Projection();
        projection.AttachWeightTransform("summer", new ColumnSums());
        using var original = projection.Weight.detach().clone();

        var act = () => projection.Merge("summer");

        act.Should().Throw<AdapterForwardException>().WithMessage(
            "adapter 'summer' failed in forward: its module returned shape [1, 3]; the projection's weight has shape [2, 3]");
        projection.IsMerged("summer").Should().BeFalse();
        projection.Weight.equal(original).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Asking_for_the_other_kind_of_module_says_what_the_adapter_attached()
    {
        using var projection = Projection();
        projection.AttachWeightTransform("ia3", new RowScale([2f, 3f]));
        projection.Attach("lora", new FixedDelta(Diagonal));

        var deltaOfTransform = () => projection.GetDelta("ia3");
        var transformOfDelta = () => projection.GetWeightTransform("lora");
        var absent = () => projection.GetWeightTransform("dora");

        deltaOfTransform.Should().Throw<KeyNotFoundException>().WithMessage("adapter 'ia3' attached a weight transform here, not a delta");
        transformOfDelta.Should().Throw<KeyNotFoundException>().WithMessage("adapter 'lora' attached a delta here, not a weight transform");
        absent.Should().Throw<KeyNotFoundException>().WithMessage("no adapter named 'dora' is attached here");
    }

    [Fact]
    public void A_name_taken_by_a_delta_cannot_attach_a_transform_and_the_reverse()
    {
        using var projection = new AdaptableLinear(3, 2);
        projection.Attach("lora", new FixedDelta(Diagonal));
        projection.AttachWeightTransform("ia3", new RowScale([2f, 3f]));

        var transform = () => projection.AttachWeightTransform("lora", new RowScale([1f, 1f]));
        var delta = () => projection.Attach("ia3", new FixedDelta(Diagonal));

        transform.Should().Throw<InvalidOperationException>().WithMessage("an adapter named 'lora' is already attached here");
        delta.Should().Throw<InvalidOperationException>().WithMessage("an adapter named 'ia3' is already attached here");
        projection.AdapterNames.Should().Equal("ia3", "lora");
    }
}
