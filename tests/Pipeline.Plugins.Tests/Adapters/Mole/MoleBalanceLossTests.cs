using Pipeline.Contracts.Adapters;
using Pipeline.Plugins.Adapters.Mole;
using static Pipeline.Plugins.Tests.Adapters.Mole.MoleTestModel;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Mole;

/// <summary>
/// The load-balancing loss on a constructed routing: two layers, two samples of three tokens, the last token of sample 1
/// padding. Both routers are <c>W_r = I</c>, <c>b_r = 0</c>, so token <c>[ln 3, 0]</c> has <c>p = [3/4, 1/4]</c>,
/// <c>[0, ln 3]</c> has <c>[1/4, 3/4]</c> and <c>[ln 7, 0]</c> has <c>[7/8, 1/8]</c>.
/// </summary>
public sealed class MoleBalanceLossTests
{
    private static readonly float Ln3 = (float)Math.Log(3), Ln7 = (float)Math.Log(7), Ln99 = (float)Math.Log(99);
    private static readonly float[] A = [Ln3, 0], B = [0, Ln3], C = [Ln7, 0], Padding = [0, Ln99];

    // Sample 0, pairs (layer 0: A B C, layer 1: A A B): experts 0 1 0 0 0 1, f = [2/3, 1/3],
    //   P_0 = (3/4 + 1/4 + 7/8 + 3/4 + 3/4 + 1/4) / 6 = 29/48, P_1 = 19/48, sum f P = 77/144.
    // Sample 1, real pairs (layer 0: B C, layer 1: B B): experts 1 0 1 1, f = [1/4, 3/4],
    //   P_0 = (1/4 + 7/8 + 1/4 + 1/4) / 4 = 13/32, P_1 = 19/32, sum f P = 35/64.
    // L_bal = (77/144 + 35/64) / 2 = 623/1152.
    private const double ExpectedBalance = 623.0 / 1152.0;

    private static Tensor Layer0 => Tokens([A, B, C], [B, C, Padding]);

    private static Tensor Layer1 => Tokens([A, A, B], [B, B, Padding]);

    private static Tensor Mask => tensor(new[] { true, true, true, true, true, false }, [2, 3]);

    private static Tensor Tokens(params float[][][] samples) =>
        tensor(samples.SelectMany(s => s.SelectMany(t => t)).ToArray(), [samples.Length, samples[0].Length, 2]);

    private static MoleTestModel TwoLayerModel(double balanceWeight = 1, RouterGradient gradient = RouterGradient.StraightThrough)
    {
        var model = new MoleTestModel(HandOptions(gradient, balanceWeight: balanceWeight), layers: 2);
        float[,] identity = { { 1, 0 }, { 0, 1 } };
        model.SetRouter(0, identity, [0, 0]);
        model.SetRouter(1, identity, [0, 0]);
        return model;
    }

    [Fact]
    public void Pooled_over_layers_and_real_tokens_the_loss_is_reported_once_after_the_last_layer()
    {
        var model = TwoLayerModel(balanceWeight: 0.5);
        var context = new ForwardContext(Mask, zeros(2, dtype: ScalarType.Bool), isTraining: true);
        model.Forward.Current = context;

        model.Router(0).call(Layer0);
        context.AuxiliaryLosses.Should().BeEmpty("layer 1 has not run yet");
        model.Router(1).call(Layer1);

        context.AuxiliaryLosses.Should().ContainSingle();
        var (name, loss) = context.AuxiliaryLosses[0];
        name.Should().Be("mole.load_balance");
        loss.item<float>().Should().BeApproximately((float)(0.5 * ExpectedBalance), 1e-6f);
    }

    [Fact]
    public void Positions_of_a_sequence_prefix_are_not_counted()
    {
        // A prefix (such as a modality token) is prepended to the LLM sequence but is not in the token mask.
        var model = TwoLayerModel();
        var context = new ForwardContext(Mask, zeros(2, dtype: ScalarType.Bool), isTraining: true);
        model.Forward.Current = context;
        Tensor WithPrefix(Tensor layer) => cat([Tokens([Padding], [Padding]), layer], 1);

        model.Router(0).call(WithPrefix(Layer0));
        model.Router(1).call(WithPrefix(Layer1));

        context.AuxiliaryLosses.Single().Loss.item<float>().Should().BeApproximately((float)ExpectedBalance, 1e-6f);
    }

    [Fact]
    public void Counting_the_padding_token_would_give_another_number()
    {
        var model = TwoLayerModel();
        var context = new ForwardContext(ones(2, 3, dtype: ScalarType.Bool), zeros(2, dtype: ScalarType.Bool), isTraining: true);
        model.Forward.Current = context;

        model.Router(0).call(Layer0);
        model.Router(1).call(Layer1);

        context.AuxiliaryLosses.Single().Loss.item<float>().Should().NotBeApproximately((float)ExpectedBalance, 1e-3f);
    }

    [Fact]
    public void Evaluation_forwards_and_a_zero_weight_report_nothing()
    {
        var evaluating = TwoLayerModel();
        var evaluation = new ForwardContext(Mask, zeros(2, dtype: ScalarType.Bool), isTraining: false);
        evaluating.Forward.Current = evaluation;
        var unweighted = TwoLayerModel(balanceWeight: 0);
        var training = new ForwardContext(Mask, zeros(2, dtype: ScalarType.Bool), isTraining: true);
        unweighted.Forward.Current = training;

        foreach (var model in new[] { evaluating, unweighted })
        {
            model.Router(0).call(Layer0);
            model.Router(1).call(Layer1);
        }

        evaluation.AuxiliaryLosses.Should().BeEmpty();
        training.AuxiliaryLosses.Should().BeEmpty();
    }

    [Fact]
    public void Under_balance_only_the_balance_loss_still_trains_the_router()
    {
        var model = TwoLayerModel(gradient: RouterGradient.BalanceOnly);
        var context = new ForwardContext(Mask, zeros(2, dtype: ScalarType.Bool), isTraining: true);
        model.Forward.Current = context;

        model.Router(0).call(Layer0);
        model.Router(1).call(Layer1);
        context.AuxiliaryLosses.Single().Loss.backward();

        model.Router(0).Weight.grad!.abs().max().item<float>().Should().BeGreaterThan(0);
        model.Router(1).Bias.grad!.abs().max().item<float>().Should().BeGreaterThan(0);
    }

    [Fact]
    public void Each_training_forward_of_the_whole_model_reports_one_loss_between_one_over_K_and_one()
    {
        var model = new MoleTestModel(new MoleOptions { Experts = 4, Rank = 2, Dropout = 0, LoraTargets = new() { ["llm"] = ["q_proj"] } },
            layers: 3, width: 8, hidden: 16);
        model.Decoder.train();

        for (int forward = 0; forward < 2; forward++)
        {
            var context = new ForwardContext(ones(2, 5, dtype: ScalarType.Bool), zeros(2, dtype: ScalarType.Bool), isTraining: true);
            model.Forward.Current = context;
            using var output = model.Decoder.call(randn(2, 5, 8));

            var (_, loss) = context.AuxiliaryLosses.Should().ContainSingle().Subject;
            loss.item<float>().Should().BeInRange(0.01f / 4, 0.01f);
        }
    }

    [Fact]
    public void A_router_that_runs_twice_in_one_forward_is_an_error()
    {
        var model = TwoLayerModel();
        model.Forward.Current = new ForwardContext(Mask, zeros(2, dtype: ScalarType.Bool), isTraining: true);
        model.Router(0).call(Layer0);

        var act = () => model.Router(0).call(Layer0);

        act.Should().Throw<InvalidOperationException>()
            .WithMessage("adapter 'mole': the router of layer 0 ran twice in one forward; the load-balancing loss pools each layer once");
    }
}
