using Pipeline.Plugins.Adapters.Mma;
using static Pipeline.Plugins.Tests.Adapters.Mma.MmaTestTensors;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Mma;

public sealed class MixtureOfModalityAdapterTests
{
    [Fact]
    public void A_fresh_adapter_is_an_exact_identity_even_with_dropout_in_training_mode()
    {
        using var adapter = new MixtureOfModalityAdapter(width: 8, bottleneck: 4, groups: 2, temperature: 10, scale: 1, dropout: 0.5);
        adapter.train();
        using var z = randn(3, 5, 8);

        using var output = adapter.call(z);

        Values(output).Should().Equal(Values(z));
        Values(adapter.Up(0).Weight).Concat(Values(adapter.Up(1).Weight)).Should().OnlyContain(v => v == 0);
        Values(adapter.DownWeight).Should().Contain(v => v != 0, "only the up-projections start at zero");
    }

    [Fact]
    public void Routing_weights_are_a_softmax_of_the_router_on_position_0_divided_by_the_temperature()
    {
        // W_m = [[1, 0], [0, 1]], b_m = [0, 0], Z[:, 0] = [2, 0]: logits [2, 0].
        // tau = 1: softmax [2, 0] = [e^2, 1] / (e^2 + 1) = [0.880797, 0.119203].
        // tau = 2: softmax [1, 0] = [e, 1] / (e + 1) = [0.731059, 0.268941]. Positions after 0 do not matter.
        float[] Route(double temperature)
        {
            using var adapter = new MixtureOfModalityAdapter(2, 2, 2, temperature, 1, 0);
            Set(adapter.RouterWeight, new float[,] { { 1, 0 }, { 0, 1 } });
            Set(adapter.RouterBias, new float[] { 0, 0 });
            using var z = tensor(new float[] { 2, 0, /* position 1: */ 50, -50 }, [1, 2, 2]);
            using var weights = adapter.RoutingWeights(z);
            return Values(weights);
        }

        Route(1).Should().BeEquivalentTo(new[] { 0.880797f, 0.119203f }, o => o.Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-6f)).WhenTypeIs<float>());
        Route(2).Should().BeEquivalentTo(new[] { 0.731059f, 0.268941f }, o => o.Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-6f)).WhenTypeIs<float>());
    }

    [Fact]
    public void The_grouped_up_projection_reads_only_its_own_half_of_U()
    {
        // 4 -> 2 in 2 groups: output 0 reads U[0..2], output 1 reads U[2..4].
        // weight = [[1, 2], [3, 4]], bias = [0.5, -0.5], U = [1, 10, 100, 1000]:
        // out_0 = 1 * 1 + 2 * 10 + 0.5 = 21.5; out_1 = 3 * 100 + 4 * 1000 - 0.5 = 4299.5.
        using var up = new GroupedLinear(inFeatures: 4, outFeatures: 2, groups: 2);
        Set(up.Weight, new float[,] { { 1, 2 }, { 3, 4 } });
        Set(up.Bias, new float[] { 0.5f, -0.5f });

        using var output = up.call(tensor(new float[] { 1, 10, 100, 1000 }, [1, 1, 4]));

        output.shape.Should().Equal(1, 1, 2);
        Values(output).Should().Equal(21.5f, 4299.5f);
    }

    [Fact]
    public void The_adapter_adds_the_scaled_routed_mix_of_both_paths_to_its_input()
    {
        // C = 2, d = 2, G = 2, s = 2, tau = 1. Router W_m = 0, b_m = [ln 3, 0]: w = [3, 1] / 4 = [0.75, 0.25].
        // W_d = I, b_d = 0: U = Z. up_0: weight [[1], [1]], bias 0: Y_0 = U. up_1: weight [[2], [-1]], bias [1, 1]: Y_1 = [2 U_0 + 1, 1 - U_1].
        // Z = [1, 2]: Y_0 = [1, 2], Y_1 = [3, -1], w_0 Y_0 + w_1 Y_1 = [1.5, 1.25], Z' = Z + 2 * [1.5, 1.25] = [4, 4.5].
        // Z = [-2, 4]: Y_0 = [-2, 4], Y_1 = [-3, -3], mix = [-2.25, 2.25], Z' = [-6.5, 8.5].
        using var adapter = new MixtureOfModalityAdapter(width: 2, bottleneck: 2, groups: 2, temperature: 1, scale: 2, dropout: 0);
        Set(adapter.RouterWeight, new float[,] { { 0, 0 }, { 0, 0 } });
        Set(adapter.RouterBias, new[] { (float)Math.Log(3), 0f });
        Set(adapter.DownWeight, new float[,] { { 1, 0 }, { 0, 1 } });
        Set(adapter.Up(0).Weight, new float[,] { { 1 }, { 1 } });
        Set(adapter.Up(1).Weight, new float[,] { { 2 }, { -1 } });
        Set(adapter.Up(1).Bias, new float[] { 1, 1 });

        using var output = adapter.call(tensor(new float[] { 1, 2, -2, 4 }, [1, 2, 2]));

        Values(output).Should().BeEquivalentTo(new[] { 4f, 4.5f, -6.5f, 8.5f },
            o => o.WithStrictOrdering().Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-5f)).WhenTypeIs<float>());
    }

    [Fact]
    public void Each_sample_is_routed_on_its_own_position_0()
    {
        using var adapter = new MixtureOfModalityAdapter(4, 4, 2, temperature: 1, scale: 1, dropout: 0);
        using var first = randn(1, 3, 4);
        using var other = randn(1, 3, 4);
        using var sameStart = cat([first.narrow(1, 0, 1), other.narrow(1, 1, 2)], dim: 1);

        using var weights = adapter.RoutingWeights(cat([first, other, sameStart], dim: 0));

        weights.shape.Should().Equal(3, 2);
        Values(weights.sum(1)).Should().OnlyContain(v => Math.Abs(v - 1) < 1e-6);
        Values(weights[0]).Should().NotEqual(Values(weights[1]), "different position-0 states route differently");
        Values(weights[0]).Should().Equal(Values(weights[2]), "only position 0 is read");
    }

    [Fact]
    public void The_forward_leaves_only_its_result_in_the_callers_scope()
    {
        using var adapter = new MixtureOfModalityAdapter(4, 4, 2, 10, 1, 0.1);
        adapter.train();
        using var z = randn(2, 3, 4);

        using var scope = NewDisposeScope();
        using var output = adapter.call(z);

        scope.DisposablesCount.Should().Be(1);
    }

    [Fact]
    public void Each_block_has_20C_plus_10_parameters_at_LaVINs_bottleneck_8_and_2_groups()
    {
        using var adapter = new MixtureOfModalityAdapter(width: 64, bottleneck: 8, groups: 2, temperature: 10, scale: 1, dropout: 0.1);

        adapter.parameters().Sum(p => p.numel()).Should().Be(20 * 64 + 10);
        adapter.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape).Should().BeEquivalentTo(new Dictionary<string, long[]>
        {
            ["router.weight"] = [2, 64],
            ["router.bias"] = [2],
            ["down_proj.weight"] = [8, 64],
            ["down_proj.bias"] = [8],
            ["up_proj_0.weight"] = [64, 4],
            ["up_proj_0.bias"] = [64],
            ["up_proj_1.weight"] = [64, 4],
            ["up_proj_1.bias"] = [64],
        });
    }
}
