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

    [Theory]
    [InlineData("gate_proj")]
    [InlineData("down_proj")]
    public void Sparse_dispatch_over_many_tiles_gives_each_token_and_weight_the_per_expert_result_and_gradient(string projection)
    {
        // 2 x 60 tokens over 4 experts: tiles of 8 rows, so each routed expert spans several tiles and its last one is
        // padded; the router's bias keeps expert 3 unchosen.
        manual_seed(5);
        var model = new MoleTestModel(new MoleOptions { Experts = 4, Rank = 2, Dropout = 0, LoraTargets = [] }, width: 4, hidden: 6);
        var mixture = model.Mixture(0, projection);
        var site = projection == "gate_proj" ? model.Block(0).GateProjection : model.Block(0).DownProjection;
        using (no_grad())
        {
            foreach (var expert in mixture.Experts) expert.B.normal_();
            model.Router(0).Bias.copy_(tensor(new float[] { 0, 0, 0, -100 }));
        }
        Tensor h = randn(2, 60, 4).requires_grad_(true);
        Tensor input = projection == "gate_proj" ? h : randn(2, 60, 6).requires_grad_(true);
        Tensor upstream = randn(2, 60, site.OutFeatures);
        var parameters = mixture.Experts.SelectMany(e => new[] { e.A, e.B }).Append(model.Router(0).Weight).Append(model.Router(0).Bias).ToList();

        Tensor p = model.Router(0).call(h);
        (site.call(input) * upstream).sum().backward();
        var gradients = parameters.Select(q => q.grad?.clone()).Append(input.grad!.clone()).ToList();
        foreach (var q in parameters) q.grad = null;
        input.grad = null;

        // The formula, expert by expert: y = W x + delta_e(x) * p_e / stopgrad(p_e) for each token's expert e.
        Tensor probabilities = model.Router(0).call(h).reshape(-1, 4);
        Tensor chosen = probabilities.argmax(-1);
        Tensor tokens = input.reshape(-1, input.shape[^1]);
        Tensor reference = nn.functional.linear(tokens, site.Weight);
        for (int k = 0; k < 3; k++)
        {
            Tensor rows = chosen.eq(k).nonzero().squeeze(1);
            Tensor selected = probabilities.index_select(0, rows).narrow(1, k, 1);
            Tensor delta = mixture.Experts[k].call(tokens.index_select(0, rows)) * (selected / selected.detach());
            reference = reference.index_add(0, rows, delta, 1);
        }
        (reference.reshape(2, 60, -1) * upstream).sum().backward();
        var expected = parameters.Select(q => q.grad?.clone()).Append(input.grad!.clone()).ToList();

        chosen.bincount(null, 4).data<long>().ToArray().Take(3).Should().OnlyContain(n => n > 16, "every routed expert spans several tiles");
        site.call(input).allclose(reference.reshape(2, 60, -1), rtol: 1e-5, atol: 1e-5).Should().BeTrue();
        gradients[6].Should().BeNull("expert 3 received no token");
        gradients[7].Should().BeNull("expert 3 received no token");
        for (int i = 0; i < gradients.Count; i++)
        {
            if (expected[i] is null) continue;
            gradients[i].Should().NotBeNull();
            gradients[i]!.allclose(expected[i]!, rtol: 1e-4, atol: 1e-5).Should().BeTrue($"gradient {i} must match the per-expert computation");
        }
    }
}
