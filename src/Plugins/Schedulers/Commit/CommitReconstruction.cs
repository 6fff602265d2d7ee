using static TorchSharp.torch;

namespace Pipeline.Plugins.Schedulers.Commit;

/// <summary>
/// Every formula of CoMMIT as this project reconstructs it. The
/// paper's equations were not available to us: this class is the single place to correct when they are, and
/// docs/schedulers/commit.md restates it line by line.
/// <list type="bullet">
/// <item>Side S is the parameter group <c>encoder</c> (encoders, their adapters, projectors); side T is <c>llm</c>.</item>
/// <item><c>D_S = mean_i KL(pS_i || p0_i)</c>, <c>D_T = mean_i KL(pT_i || p0_i)</c> over answer tokens i, where p0 is the
/// model before the step, pS has only S updated and pT only T updated (<see cref="MeanKlDivergence"/>).</item>
/// <item><c>kappa = D_S / (D_S + D_T + eps)</c> (<see cref="BalanceCoefficient"/>): 0.5 balanced, near 0 the encoder
/// side barely learns, near 1 the LLM side barely learns.</item>
/// <item><c>kbar = kappa_1</c> at the first measurement, then <c>kbar = beta * kbar + (1 - beta) * kappa</c>
/// (<see cref="MovingAverage"/>).</item>
/// <item><c>m_S = clip((0.5 / kbar)^gamma, m_min, m_max)</c>, <c>m_T = clip((0.5 / (1 - kbar))^gamma, m_min, m_max)</c>
/// (<see cref="Multipliers"/>); each side's rate is its base schedule times its multiplier.</item>
/// <item><c>L_aux = -lambda * |2 kbar - 1| * mean_i H(p_i)</c>, <c>H(p) = -sum_v p_v log p_v</c> over the answer-token
/// distributions of the training forward (<see cref="AuxiliaryWeight"/>, <see cref="EntropyRegularizer"/>).</item>
/// </list>
/// </summary>
public static class CommitReconstruction
{
    /// <summary>The feature-encoder side S: encoders, their adapters and the projectors.</summary>
    public const string EncoderSide = "encoder";

    /// <summary>The LLM side T: the LLM and its adapters.</summary>
    public const string LlmSide = "llm";

    /// <summary>
    /// <c>mean_i KL(P_i || Q_i) = mean_i sum_v P_iv (log P_iv - log Q_iv)</c> over the rows of two <c>M x V</c>
    /// log-probability tensors, as a plain number. Both are renormalised in float64 first (a <c>log_softmax</c>,
    /// which leaves true log-probabilities unchanged), so float32 rounding cannot make the divergence negative;
    /// identical inputs give exactly 0. Terms with <c>P_iv = 0</c> count 0.
    /// </summary>
    public static double MeanKlDivergence(Tensor logP, Tensor logQ)
    {
        if (logP.dim() != 2 || !logP.shape.SequenceEqual(logQ.shape))
            throw new ArgumentException($"expected two M x V log-probability tensors of the same shape, got [{string.Join(", ", logP.shape)}] and [{string.Join(", ", logQ.shape)}]");
        if (logP.shape[0] == 0) throw new ArgumentException("there are no answer tokens to compare", nameof(logP));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor p = logP.detach().to(ScalarType.Float64).log_softmax(-1);
        Tensor q = logQ.detach().to(ScalarType.Float64).log_softmax(-1);
        Tensor terms = where(p.isneginf(), zeros_like(p), p.exp() * (p - q));
        return Math.Max(0.0, terms.sum(-1).mean().item<double>());
    }

    /// <summary>
    /// Whether a measurement says anything about the balance: <c>D_S + D_T &gt; eps</c>. When neither side's update
    /// changed the answers (for example at a step with rate 0) kappa would be 0 by the formula, but means nothing.
    /// </summary>
    public static bool IsInformative(double klEncoder, double klLlm, double epsilon) => klEncoder + klLlm > epsilon;

    /// <summary><c>kappa = D_S / (D_S + D_T + eps)</c>, in [0, 1].</summary>
    public static double BalanceCoefficient(double klEncoder, double klLlm, double epsilon) =>
        klEncoder / (klEncoder + klLlm + epsilon);

    /// <summary>
    /// The next <c>kbar</c>: the first kappa itself when there is no average yet (<paramref name="previous"/> null), so
    /// the average carries no bias towards a made-up start; afterwards <c>beta * kbar + (1 - beta) * kappa</c>.
    /// </summary>
    public static double MovingAverage(double? previous, double kappa, double beta) =>
        previous is { } kbar ? beta * kbar + (1 - beta) * kappa : kappa;

    /// <summary>
    /// <c>m_S = clip((0.5 / kbar)^gamma, min, max)</c> and <c>m_T = clip((0.5 / (1 - kbar))^gamma, min, max)</c>. At
    /// <c>kbar = 0</c> or 1 the unclipped value is infinite and the clip gives <paramref name="max"/>.
    /// </summary>
    public static SideMultipliers Multipliers(double kbar, double gamma, double min, double max) => new(
        Math.Clamp(Math.Pow(0.5 / kbar, gamma), min, max),
        Math.Clamp(Math.Pow(0.5 / (1 - kbar), gamma), min, max));

    /// <summary>The weight of the entropy term, <c>lambda * |2 kbar - 1|</c>: 0 when the sides are balanced.</summary>
    public static double AuxiliaryWeight(double kbar, double lambda) => lambda * Math.Abs(2 * kbar - 1);

    /// <summary><c>mean_i H(softmax(logits_i))</c> over the rows of <c>M x V</c> logits, differentiable.</summary>
    public static Tensor MeanEntropy(Tensor logits)
    {
        Tensor logProbabilities = logits.log_softmax(-1);
        return -(logProbabilities.exp() * logProbabilities).sum(-1).mean();
    }

    /// <summary><c>L_aux = -weight * mean H(p)</c>: minimising it raises the entropy of the answer distributions.</summary>
    public static Tensor EntropyRegularizer(Tensor answerLogits, double weight) => MeanEntropy(answerLogits) * -weight;
}
