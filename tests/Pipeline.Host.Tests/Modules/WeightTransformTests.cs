using Pipeline.Contracts.Modules;
using static Pipeline.Host.Tests.Modules.ProjectionAdapterModules;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Modules;

/// <summary>
/// Weight transforms on <see cref="AdaptableLinear"/> (contracts 1.6): <c>y = T(W) x + b + delta(x)</c> by hand, exact merge
/// and unmerge, and where gradients go.
/// </summary>
public sealed class WeightTransformTests
{
    /// <summary>A 2 x 3 projection with <c>W = [[1, 2, 3], [4, 5, 6]]</c> and <c>b = [0.5, -1]</c>.</summary>
    private static AdaptableLinear HandProjection()
    {
        var projection = new AdaptableLinear(3, 2);
        using var noGrad = no_grad();
        using var weight = tensor(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        using var bias = tensor(new[] { 0.5f, -1f });
        projection.Weight.copy_(weight);
        projection.Bias!.copy_(bias);
        return projection;
    }

    private static float[] Forward(AdaptableLinear projection, params float[] input)
    {
        using var scope = NewDisposeScope();
        return projection.call(tensor(input).unsqueeze(0)).squeeze(0).data<float>().ToArray();
    }

    [Fact]
    public void A_row_scaling_transform_computes_diag_l_W_x_plus_b_by_hand()
    {
        using var projection = HandProjection();
        projection.AttachWeightTransform("ia3", new RowScale([2f, -1f]));

        // W' = [[2, 4, 6], [-4, -5, -6]]; W' [1, 0, -1] = [-4, 2]; plus b.
        Forward(projection, 1, 0, -1).Should().Equal(-3.5f, 1f);
        projection.AdapterNames.Should().Equal("ia3");
    }

    [Fact]
    public void Transforms_and_deltas_run_together_transforms_in_attachment_order_on_the_weight_deltas_on_the_output()
    {
        using var projection = HandProjection();
        projection.Attach("delta", new FixedDelta(new float[,] { { 1, 0, 0 }, { 0, 0, 1 } }));
        projection.AttachWeightTransform("scale", new RowScale([2f, -1f]));
        projection.AttachWeightTransform("shift", new AddConstant(1f));

        // T2(T1(W)) = [[3, 5, 7], [-3, -4, -5]]; times [1, 1, -1] = [1, -2]; plus b; plus D x = [1, -1]. (Shifting first
        // would give [2, -4] before b.)
        Forward(projection, 1, 1, -1).Should().Equal(2.5f, -4f);
        projection.AdapterNames.Should().Equal("scale", "shift", "delta");
    }

    [Fact]
    public void Merging_a_transform_stores_T_W_keeps_the_output_and_unmerging_restores_the_weight_bit_for_bit()
    {
        manual_seed(7);
        using var projection = new AdaptableLinear(5, 4);
        var transform = new RowScale([0.3f, -1.7f, 2.2f, 0.9f]);
        projection.AttachWeightTransform("ia3", transform);
        using var scope = NewDisposeScope();
        Tensor input = randn(3, 5);
        Tensor original = projection.Weight.detach().clone();
        Tensor expectedWeight = transform.Scale.detach().unsqueeze(1) * original;
        Tensor before = projection.call(input).detach();

        projection.Merge("ia3");

        projection.IsMerged("ia3").Should().BeTrue();
        projection.Weight.equal(expectedWeight).all().item<bool>().Should().BeTrue("the merged weight is T(W)");
        projection.call(input).equal(before).all().item<bool>().Should().BeTrue("the merged projection runs the same product");

        projection.Unmerge("ia3");

        projection.IsMerged("ia3").Should().BeFalse();
        projection.Weight.equal(original).all().item<bool>().Should().BeTrue("unmerging puts back the copy of W, not T^-1(T(W))");
        projection.call(input).equal(before).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void A_transform_merged_inside_a_dispose_scope_still_unmerges_after_the_scope_ends()
    {
        manual_seed(8);
        using var projection = new AdaptableLinear(3, 2);
        projection.AttachWeightTransform("ia3", new RowScale([2f, 3f]));
        using var original = projection.Weight.detach().clone();

        using (NewDisposeScope()) projection.Merge("ia3");
        projection.Unmerge("ia3");

        projection.Weight.equal(original).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void A_delta_merged_after_a_transform_and_the_transform_unmerge_in_reverse_order_exactly()
    {
        using var projection = HandProjection();
        projection.AttachWeightTransform("ia3", new RowScale([2f, -1f]));
        projection.Attach("delta", new FixedDelta(new float[,] { { 1, 0, 0 }, { 0, 0, 1 } }));
        using var original = projection.Weight.detach().clone();

        projection.Merge("ia3");
        projection.Merge("delta");

        // W := T(W) + D = [[3, 4, 6], [-4, -5, -5]]; [1, 0, -1] gives [-3, 1]; plus b.
        Forward(projection, 1, 0, -1).Should().Equal(-2.5f, 0f);
        projection.Unmerge("delta");
        projection.Unmerge("ia3");
        projection.Weight.equal(original).all().item<bool>().Should().BeTrue();
        Forward(projection, 1, 0, -1).Should().Equal(-2.5f, 0f);
    }

    [Fact]
    public void Gradients_reach_the_transform_and_a_frozen_weight_gets_none()
    {
        using var projection = HandProjection();
        var transform = new RowScale([2f, -1f]);
        projection.AttachWeightTransform("ia3", transform);
        projection.Weight.requires_grad = false;
        using var scope = NewDisposeScope();

        projection.call(tensor(new[] { 1f, 0f, -1f }).unsqueeze(0)).sum().backward();

        // d/dl_i of sum_i l_i (W_i . x) is W_i . x = [1 - 3, 4 - 6].
        transform.Scale.grad!.data<float>().ToArray().Should().Equal(-2f, -2f);
        projection.Weight.grad.Should().BeNull();
        projection.Bias!.grad!.data<float>().ToArray().Should().Equal(1f, 1f);
    }

    [Fact]
    public void A_trainable_weight_gets_its_gradient_through_the_transform()
    {
        using var projection = HandProjection();
        projection.AttachWeightTransform("ia3", new RowScale([2f, -1f]));
        using var scope = NewDisposeScope();

        projection.call(tensor(new[] { 1f, 0f, -1f }).unsqueeze(0)).sum().backward();

        // d/dW_ij of sum_i l_i W_i . x is l_i x_j.
        projection.Weight.grad!.data<float>().ToArray().Should().Equal(2f, 0f, -2f, -1f, 0f, 1f);
    }
}
