using Pipeline.Plugins.Adapters.Mole;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Mole;

/// <summary>
/// Sparse and dense dispatch against the formulas, on random weights (three experts, every B non-zero), computing each
/// expert's delta on every token directly through the expert modules.
/// </summary>
public sealed class MoleDispatchTests
{
    private static (MoleTestModel Model, Tensor H, Tensor P, Tensor[] Deltas, Tensor Base) Run(ExpertDispatch dispatch, string projection)
    {
        manual_seed(11);
        var model = new MoleTestModel(new MoleOptions { Experts = 3, Rank = 2, Dropout = 0, Dispatch = dispatch, LoraTargets = [] },
            width: 4, hidden: 6);
        var mixture = model.Mixture(0, projection);
        using (no_grad())
        {
            foreach (var expert in mixture.Experts) expert.B.normal_();
        }
        var site = projection switch
        {
            "gate_proj" => model.Block(0).GateProjection,
            "up_proj" => model.Block(0).UpProjection,
            _ => model.Block(0).DownProjection,
        };
        Tensor h = randn(2, 5, 4);
        Tensor input = projection == "down_proj" ? randn(2, 5, 6) : h;
        Tensor p = model.Router(0).call(h);
        Tensor output = site.call(input);
        Tensor[] deltas = mixture.Experts.Select(e => e.call(input)).ToArray();
        Tensor baseOutput = nn.functional.linear(input, site.Weight);
        return (model, output, p, deltas, baseOutput);
    }

    [Theory]
    [InlineData("gate_proj")]
    [InlineData("up_proj")]
    [InlineData("down_proj")]
    public void Sparse_output_is_the_base_plus_the_chosen_experts_delta(string projection)
    {
        var (_, output, p, deltas, baseOutput) = Run(ExpertDispatch.Sparse, projection);

        Tensor chosen = p.argmax(-1);
        Tensor expected = baseOutput.clone();
        for (int k = 0; k < deltas.Length; k++) expected += deltas[k] * chosen.eq(k).unsqueeze(-1);

        chosen.unique().output.numel().Should().BeGreaterThan(1, "the case must route to more than one expert");
        output.allclose(expected, rtol: 0, atol: 1e-5).Should().BeTrue();
    }

    [Theory]
    [InlineData("gate_proj")]
    [InlineData("down_proj")]
    public void Dense_output_is_the_base_plus_the_probability_weighted_sum_of_all_deltas(string projection)
    {
        var (_, output, p, deltas, baseOutput) = Run(ExpertDispatch.Dense, projection);

        Tensor expected = baseOutput.clone();
        for (int k = 0; k < deltas.Length; k++) expected += deltas[k] * p.narrow(-1, k, 1);

        output.allclose(expected, rtol: 0, atol: 1e-5).Should().BeTrue();
    }
}
