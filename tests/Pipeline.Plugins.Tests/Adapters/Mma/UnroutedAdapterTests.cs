using Pipeline.Plugins.Adapters.Mma;
using static Pipeline.Plugins.Tests.Adapters.Mma.MmaTestTensors;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Mma;

/// <summary>The MM-Adapter with routing off (<c>routing: false</c>): one path, <c>Z' = Z + s * Y_0</c>.</summary>
public sealed class UnroutedAdapterTests
{
    private static MixtureOfModalityAdapter Unrouted(int width, int bottleneck, int groups, double scale = 1, double dropout = 0,
        Generator? generator = null) =>
        new(width, bottleneck, groups, temperature: 10, scale, dropout, generator: generator, routing: false);

    [Fact]
    public void The_adapter_adds_the_scaled_single_path_to_its_input()
    {
        // C = 2, d = 2, G = 2, s = 2. W_d = [[1, 1], [0, 2]], b_d = [0, 1]: U = [Z_0 + Z_1, 2 Z_1 + 1].
        // up_0: weight [[2], [-1]], bias [1, 0.5]: Y_0 = [2 U_0 + 1, 0.5 - U_1] (output 0 reads U_0, output 1 reads U_1).
        // Z = [1, 2]: U = [3, 5], Y_0 = [7, -4.5], Z' = Z + 2 Y_0 = [15, -7].
        // Z = [-2, 4]: U = [2, 9], Y_0 = [5, -8.5], Z' = [8, -13].
        using var adapter = Unrouted(width: 2, bottleneck: 2, groups: 2, scale: 2);
        Set(adapter.DownWeight, new float[,] { { 1, 1 }, { 0, 2 } });
        Set(adapter.DownBias, new float[] { 0, 1 });
        Set(adapter.Up(0).Weight, new float[,] { { 2 }, { -1 } });
        Set(adapter.Up(0).Bias, new float[] { 1, 0.5f });

        using var output = adapter.call(tensor(new float[] { 1, 2, -2, 4 }, [1, 2, 2]));

        Values(output).Should().Equal(15f, -7f, 8f, -13f);
    }

    [Fact]
    public void A_fresh_adapter_is_an_exact_identity_even_with_dropout_in_training_mode()
    {
        using var adapter = Unrouted(width: 8, bottleneck: 4, groups: 2, dropout: 0.5);
        adapter.train();
        using var z = randn(3, 5, 8);

        using var output = adapter.call(z);

        Values(output).Should().Equal(Values(z));
        Values(adapter.Up(0).Weight).Concat(Values(adapter.Up(0).Bias)).Should().OnlyContain(v => v == 0);
        Values(adapter.DownWeight).Should().Contain(v => v != 0, "only the up-projection starts at zero");
    }

    [Fact]
    public void Dropout_applies_to_U_in_training_mode_only()
    {
        using var scope = NewDisposeScope();
        using var adapter = Unrouted(width: 4, bottleneck: 4, groups: 1, dropout: 0.5);
        Set(adapter.Up(0).Weight, new float[,] { { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, 1 } });
        using var z = randn(2, 50, 4);

        adapter.eval();
        using var evaluated = adapter.call(z);
        using var expected = z + adapter.DownWeight.detach().matmul(z.unsqueeze(-1)).squeeze(-1);
        adapter.train();
        using var trained = adapter.call(z);
        using var dropped = (trained - z).eq(0);

        allclose(evaluated, expected, rtol: 0, atol: 1e-5).Should().BeTrue("without dropout the path is W_u0 (W_d Z + b_d) with W_u0 = I, b_d = 0");
        dropped.sum().item<long>().Should().BeInRange(100, 300, "about half of the 400 features of U are dropped");
    }

    [Fact]
    public void It_has_no_router_and_no_second_path()
    {
        using var adapter = Unrouted(width: 4, bottleneck: 4, groups: 2);
        using var z = randn(1, 2, 4);

        adapter.Routing.Should().BeFalse();
        adapter.Invoking(a => a.RouterWeight).Should().Throw<InvalidOperationException>().WithMessage("this MM-Adapter has no router (routing: false)");
        adapter.Invoking(a => a.RoutingWeights(z)).Should().Throw<InvalidOperationException>().WithMessage("this MM-Adapter has no router (routing: false)");
        adapter.Invoking(a => a.Up(1)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("MMA without routing has path 0 only*");
        new MixtureOfModalityAdapter(4, 4, 2, 10, 1, 0).Routing.Should().BeTrue("routing is the default");
    }

    [Fact]
    public void Each_block_has_13C_plus_8_parameters_at_LaVINs_bottleneck_8_and_2_groups()
    {
        // dC + d + C d/G + C = 8C + 8 + 4C + C: the routed block's 20C + 10 less the router (2C + 2) and up_proj_1 (C d/G + C).
        using var adapter = Unrouted(width: 64, bottleneck: 8, groups: 2);

        adapter.parameters().Sum(p => p.numel()).Should().Be(13 * 64 + 8);
        adapter.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape).Should().BeEquivalentTo(new Dictionary<string, long[]>
        {
            ["down_proj.weight"] = [8, 64],
            ["down_proj.bias"] = [8],
            ["up_proj_0.weight"] = [64, 4],
            ["up_proj_0.bias"] = [64],
        });
        adapter.state_dict().Keys.Should().BeEquivalentTo("down_proj.weight", "down_proj.bias", "up_proj_0.weight", "up_proj_0.bias");
    }

    [Fact]
    public void The_down_projection_takes_the_generators_first_draws_as_the_router_no_longer_draws()
    {
        // Xavier-uniform in +-sqrt(6 / (C + d)) = +-sqrt(6 / 12) for C = 8, d = 4.
        using var generator = new Generator(7);
        using var adapter = Unrouted(width: 8, bottleneck: 4, groups: 2, generator: generator);
        using var reference = new Generator(7);
        using var firstDraws = empty(4, 8).uniform_(-Math.Sqrt(0.5), Math.Sqrt(0.5), reference);

        Values(adapter.DownWeight).Should().Equal(Values(firstDraws));
        Values(adapter.DownBias).Should().OnlyContain(v => v == 0);
    }

    [Fact]
    public void The_forward_leaves_only_its_result_in_the_callers_scope()
    {
        using var adapter = Unrouted(4, 4, 2, dropout: 0.1);
        adapter.train();
        using var z = randn(2, 3, 4);

        using var scope = NewDisposeScope();
        using var output = adapter.call(z);

        scope.DisposablesCount.Should().Be(1);
    }
}
