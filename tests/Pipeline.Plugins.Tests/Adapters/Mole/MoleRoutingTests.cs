using Pipeline.Contracts.Adapters;
using Pipeline.Plugins.Adapters.Mole;
using static Pipeline.Plugins.Tests.Adapters.Mole.MoleTestModel;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Mole;

/// <summary>
/// Routing and expert math on a case small enough to compute by hand: width 2, hidden 2, identity base projections,
/// router <c>W_r = I</c>, <c>b_r = 0</c>, two rank-1 experts with scale 2. Token <c>[3, 1]</c> routes to expert 0
/// (<c>p = [0.881, 0.119]</c>), token <c>[1, 2]</c> to expert 1 (<c>p = [0.269, 0.731]</c>).
/// </summary>
public sealed class MoleRoutingTests
{
    private static readonly float[,] Identity = { { 1, 0 }, { 0, 1 } };

    // Probability of the other expert for token [3, 1]: 1 / (1 + e^2).
    private static readonly double OtherProbability = 1 / (1 + Math.Exp(2));

    /// <summary>
    /// gate: e0 = 2 [0, x0 + x1], e1 = 2 [x0 - x1, 0]; up: e0 = 2 [x0, x0], e1 = 2 [x1, -x1];
    /// down: e0 = 2 [x0 + x1, 0], e1 = 2 [0, x0 - x1].
    /// </summary>
    private static MoleTestModel HandModel(RouterGradient gradient = RouterGradient.StraightThrough, ExpertDispatch dispatch = ExpertDispatch.Sparse)
    {
        var model = new MoleTestModel(HandOptions(gradient, dispatch));
        model.SetBaseToIdentity();
        model.SetRouter(0, Identity, [0, 0]);
        model.SetExpert(0, "gate_proj", 0, new float[,] { { 1, 1 } }, new float[,] { { 0 }, { 1 } });
        model.SetExpert(0, "gate_proj", 1, new float[,] { { 1, -1 } }, new float[,] { { 1 }, { 0 } });
        model.SetExpert(0, "up_proj", 0, new float[,] { { 1, 0 } }, new float[,] { { 1 }, { 1 } });
        model.SetExpert(0, "up_proj", 1, new float[,] { { 0, 1 } }, new float[,] { { 1 }, { -1 } });
        model.SetExpert(0, "down_proj", 0, new float[,] { { 1, 1 } }, new float[,] { { 1 }, { 0 } });
        model.SetExpert(0, "down_proj", 1, new float[,] { { 1, -1 } }, new float[,] { { 0 }, { 1 } });
        return model;
    }

    private static Tensor TwoTokens() => tensor(new float[] { 3, 1, 1, 2 }, [1, 2, 2]);

    [Fact]
    public void Each_token_uses_its_argmax_expert_unscaled_in_gate_up_and_down()
    {
        var model = HandModel();
        var block = model.Block(0);
        using var h = TwoTokens();

        using var probabilities = model.Router(0).call(h);
        using var gate = block.GateProjection.call(h);
        using var up = block.UpProjection.call(h);
        using var down = block.DownProjection.call(tensor(new float[] { 1, 1, 2, -1 }, [1, 2, 2]));

        ShouldBeClose(probabilities, 1e-4, 0.8808, 0.1192, 0.2689, 0.7311);
        // Token 0, expert 0: [3, 1] + [0, 8]; token 1, expert 1: [1, 2] + [-2, 0]. Not 0.881 * 8: the delta is unscaled.
        Values(gate).Should().Equal(3, 9, -1, 2);
        // Token 0, expert 0: [3, 1] + [6, 6]; token 1, expert 1: [1, 2] + [4, -4].
        Values(up).Should().Equal(9, 7, 5, -2);
        // Token 0, expert 0: [1, 1] + [4, 0]; token 1, expert 1: [2, -1] + [0, 6].
        Values(down).Should().Equal(5, 1, 2, 5);
    }

    [Fact]
    public void The_block_forward_routes_once_on_its_input_and_down_uses_that_choice()
    {
        // Routed on its own input z, down would pick expert 1 for token 0 (z = [25.7, 63.0]) and expert 0 for token 1
        // (z = [-1.34, -3.52]); the shared choice from h is expert 0 for token 0 and expert 1 for token 1.
        var model = HandModel();
        using var h = TwoTokens();

        using var output = model.Block(0).call(h);

        using var z = nn.functional.silu(tensor(new float[,] { { 3, 9 }, { -1, 2 } })) * tensor(new float[,] { { 9, 7 }, { 5, -2 } });
        float[] zv = Values(z);
        float[] expected = [zv[0] + 2 * (zv[0] + zv[1]), zv[1], zv[2], zv[3] + 2 * (zv[2] - zv[3])];
        ShouldBeClose(output, 1e-4, [.. expected.Select(v => (double)v)]);
    }

    [Fact]
    public void Only_the_chosen_expert_of_a_token_receives_its_gradient()
    {
        var model = HandModel();
        using var h = TwoTokens();
        model.Router(0).call(h);

        // Loss on token 0 (expert 0) only; token 1 ran through expert 1 but its output does not reach the loss.
        using var loss = model.Block(0).GateProjection.call(h)[0, 0].sum();
        loss.backward();

        var experts = model.Mixture(0, "gate_proj").Experts;
        // dL/dA0 = 2 (B0^T 1) x^T = 2 * 1 * [3, 1]; dL/dB0 = 2 * 1 (A0 x) = 2 * 4 per output.
        Values(experts[0].A.grad!).Should().Equal(6, 2);
        Values(experts[0].B.grad!).Should().Equal(8, 8);
        Values(experts[1].A.grad!).Should().OnlyContain(g => g == 0);
        Values(experts[1].B.grad!).Should().OnlyContain(g => g == 0);
    }

    [Fact]
    public void An_expert_that_no_token_chose_computes_nothing_and_gets_no_gradient()
    {
        var model = HandModel();
        using var h = tensor(new float[] { 3, 1, 5, 0 }, [1, 2, 2]);
        model.Router(0).call(h);

        using var loss = model.Block(0).GateProjection.call(h).sum();
        loss.backward();

        var experts = model.Mixture(0, "gate_proj").Experts;
        experts[0].B.grad.Should().NotBeNull();
        experts[1].A.grad.Should().BeNull("sparse dispatch never ran expert 1");
        experts[1].B.grad.Should().BeNull("sparse dispatch never ran expert 1");
    }

    [Fact]
    public void Straight_through_keeps_the_forward_and_gives_the_router_the_task_gradient()
    {
        // y = base + g * d_e with g = p_e / stopgrad(p_e) = 1, so dL/dz = (sum d_e) (onehot(e) - p): with d_0 = [0, 8]
        // and one token [3, 1], dL/db = 8 [p_1, -p_1] and dL/dW = dL/db h^T.
        var model = HandModel();
        using var h = tensor(new float[] { 3, 1 }, [1, 1, 2]);
        model.Router(0).call(h);

        using var y = model.Block(0).GateProjection.call(h);
        using var loss = y.sum();
        loss.backward();

        Values(y).Should().Equal(3, 9);
        double g = 8 * OtherProbability;
        ShouldBeClose(model.Router(0).Bias.grad!, 1e-5, g, -g);
        ShouldBeClose(model.Router(0).Weight.grad!, 1e-5, 3 * g, g, -3 * g, -g);
    }

    [Fact]
    public void Balance_only_keeps_the_same_forward_and_gives_the_router_no_task_gradient()
    {
        var model = HandModel(RouterGradient.BalanceOnly);
        using var h = tensor(new float[] { 3, 1 }, [1, 1, 2]);
        model.Router(0).call(h);

        using var y = model.Block(0).GateProjection.call(h);
        using var loss = y.sum();
        loss.backward();

        Values(y).Should().Equal(3, 9);
        var grad = model.Router(0).Weight.grad;
        (grad is null || grad.abs().max().item<float>() == 0).Should().BeTrue("only the load-balancing loss trains the router");
        model.Mixture(0, "gate_proj").Experts[0].B.grad.Should().NotBeNull("the experts still learn from the task");
    }

    [Fact]
    public void Dense_dispatch_weights_every_expert_by_its_probability()
    {
        // Token [3, 1]: [3, 1] + p_0 [0, 8] + p_1 [4, 0]; expert 1 now gets a gradient from it: dL/dB1 = 2 p_1 (A1 x) = 4 p_1.
        var model = HandModel(dispatch: ExpertDispatch.Dense);
        using var h = tensor(new float[] { 3, 1 }, [1, 1, 2]);
        model.Router(0).call(h);

        using var y = model.Block(0).GateProjection.call(h);
        using var loss = y.sum();
        loss.backward();

        double p1 = OtherProbability, p0 = 1 - p1;
        ShouldBeClose(y, 1e-5, 3 + 4 * p1, 1 + 8 * p0);
        ShouldBeClose(model.Mixture(0, "gate_proj").Experts[1].B.grad!, 1e-5, 4 * p1, 4 * p1);
    }

    [Fact]
    public void A_projection_without_its_routers_routing_fails_with_a_message()
    {
        var model = HandModel();
        using var h = TwoTokens();
        model.Router(0).call(h);

        var act = () => model.Block(0).GateProjection.call(tensor(new float[] { 1, 2 }, [1, 1, 2]));

        // The site tags whatever an attached module throws with the adapter's name; the cause is the inner exception.
        act.Should().Throw<AdapterForwardException>().WithInnerException<InvalidOperationException>()
            .WithMessage("adapter 'mole': llm:layers.0.mlp was routed for 2 tokens but a projection received 1");
    }
}
