using Pipeline.Contracts.Adapters;
using static Pipeline.Plugins.Tests.Adapters.Mole.MoleTestModel;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Mole;

/// <summary>
/// The expert shares MoLE reports per sample in evaluation forwards, on the routing of <see cref="MoleBalanceLossTests"/>:
/// width 2, routers <c>W_r = I</c>, <c>b_r = 0</c>, so a token goes to the expert of its larger coordinate. Two samples of
/// three tokens, the last token of sample 1 padding (it would go to expert 1).
/// </summary>
public sealed class MoleStatisticsTests
{
    private static readonly float Ln3 = (float)Math.Log(3), Ln7 = (float)Math.Log(7), Ln99 = (float)Math.Log(99);
    private static readonly float[] A = [Ln3, 0], B = [0, Ln3], C = [Ln7, 0], Padding = [0, Ln99];

    // Layer 0: sample 0 A B C -> experts 0 1 0, shares [2/3, 1/3]; sample 1 B C (padding left out) -> 1 0, [1/2, 1/2].
    // Layer 1: sample 0 A A B -> 0 0 1, [2/3, 1/3]; sample 1 B B -> 1 1, [0, 1].
    // Pooled over the (layer, real token) pairs: sample 0 [4/6, 2/6], sample 1 [1/4, 3/4].
    private static Tensor Layer0 => Tokens([A, B, C], [B, C, Padding]);

    private static Tensor Layer1 => Tokens([A, A, B], [B, B, Padding]);

    private static Tensor Mask => tensor(new[] { true, true, true, true, true, false }, [2, 3]);

    private static Tensor Tokens(params float[][][] samples) =>
        tensor(samples.SelectMany(s => s.SelectMany(t => t)).ToArray(), [samples.Length, samples[0].Length, 2]);

    private static MoleTestModel TwoLayerModel()
    {
        var model = new MoleTestModel(HandOptions(), layers: 2);
        float[,] identity = { { 1, 0 }, { 0, 1 } };
        model.SetRouter(0, identity, [0, 0]);
        model.SetRouter(1, identity, [0, 0]);
        return model;
    }

    private static ForwardContext Evaluation(Tensor mask) =>
        new(mask, zeros(mask.shape[0], dtype: ScalarType.Bool), isTraining: false, collectsSampleStatistics: true);

    [Fact]
    public void Each_layer_and_the_pool_report_the_share_of_each_samples_real_tokens_per_expert()
    {
        using var scope = NewDisposeScope();
        var model = TwoLayerModel();
        var context = Evaluation(Mask);
        model.Forward.Current = context;

        model.Router(0).call(Layer0);
        model.Router(1).call(Layer1);

        context.SampleStatistics.Select(s => s.Name).Should().Equal("mole_layer0_experts", "mole_experts", "mole_layer1_experts");
        var reported = context.SampleStatistics.ToDictionary(s => s.Name, s => s.PerSample);
        ShouldBeClose(reported["mole_layer0_experts"], 1e-6, 2.0 / 3, 1.0 / 3, 0.5, 0.5);
        ShouldBeClose(reported["mole_layer1_experts"], 1e-6, 2.0 / 3, 1.0 / 3, 0, 1);
        ShouldBeClose(reported["mole_experts"], 1e-6, 2.0 / 3, 1.0 / 3, 0.25, 0.75);
        context.AuxiliaryLosses.Should().BeEmpty("the balance loss is for training forwards");
    }

    [Fact]
    public void Prefix_positions_are_left_out_and_a_sample_without_real_tokens_gets_zeros()
    {
        using var scope = NewDisposeScope();
        var model = TwoLayerModel();
        var context = Evaluation(tensor(new[] { true, true, true, false, false, false }, [2, 3]));
        model.Forward.Current = context;
        // A prefix position (such as a modality token) in front of the text; it is not in the token mask and goes to expert 1.
        Tensor withPrefix = cat([Tokens([Padding], [Padding]), Layer0], 1);

        model.Router(0).call(withPrefix);

        var (name, shares) = context.SampleStatistics[0];
        name.Should().Be("mole_layer0_experts");
        ShouldBeClose(shares, 1e-6, 2.0 / 3, 1.0 / 3, 0, 0);
    }

    [Fact]
    public void Training_forwards_and_evaluation_forwards_that_do_not_collect_report_nothing()
    {
        using var scope = NewDisposeScope();
        var model = TwoLayerModel();
        var training = new ForwardContext(Mask, zeros(2, dtype: ScalarType.Bool), isTraining: true);
        var plainEvaluation = new ForwardContext(Mask, zeros(2, dtype: ScalarType.Bool), isTraining: false);

        foreach (var context in new[] { training, plainEvaluation })
        {
            model.Forward.Current = context;
            model.Router(0).call(Layer0);
            model.Router(1).call(Layer1);
            context.SampleStatistics.Should().BeEmpty();
        }
        training.AuxiliaryLosses.Should().ContainSingle("the training forward still reports its balance loss");
    }
}
