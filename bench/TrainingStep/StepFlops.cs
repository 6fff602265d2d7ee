namespace Pipeline.Bench.TrainingStep;

/// <summary>
/// The floating-point operations of one training step of LoRA on a frozen decoder (one multiply-add = 2 FLOPs),
/// derived from the step's matrix products rather than from <c>6 x tokens x parameters</c>, which assumes every
/// weight gets a gradient. With <c>N = B x T</c> tokens and a projection of <c>in x out</c>:
/// <list type="bullet">
/// <item>frozen projection: forward <c>2 N in out</c>; backward only the input gradient, <c>2 N in out</c> (it carries
/// the gradient down to the LoRA weights of earlier layers); no weight gradient. In layer 0, q, k and v read the
/// embeddings, which need no gradient, so autograd skips their input gradient.</item>
/// <item>LoRA on it (A: <c>in x r</c>, B: <c>r x out</c>): forward <c>2 N r (in + out)</c>; backward the weight gradients of
/// A and B, <c>2 N r (in + out)</c>, the input gradient of B, <c>2 N r out</c>, and of A, <c>2 N in r</c> (skipped where
/// the frozen one is).</item>
/// <item>attention: <c>Q K^T</c> and <c>A V</c> are <c>2 B heads T T head_dim</c> each, so <c>4 B T^2 C</c> forward and
/// twice that backward (both operands need gradients); counted over the whole <c>T x T</c> square, as a dense kernel
/// computes it (a causal kernel that skips the masked half does less).</item>
/// <item>language-model head at the <c>M</c> supervised positions only: forward <c>2 M C V</c>, backward the input
/// gradient <c>2 M C V</c>; frozen, no weight gradient.</item>
/// </list>
/// Not counted (element-wise or small): embedding lookup, RMSNorm, rotary, softmax and masking, SiLU and the gate
/// product, residual additions, the LoRA scale, repeat of key/value heads, cross-entropy, gradient norm and clipping,
/// AdamW's update (about 15 operations per trainable parameter).
/// </summary>
internal static class StepFlops
{
    /// <summary>One counted term.</summary>
    /// <param name="Name">What it is.</param>
    /// <param name="Flops">Its FLOPs per step.</param>
    public sealed record Term(string Name, double Flops);

    /// <summary>The counted terms of one step at <paramref name="size"/>; their sum is the step's FLOPs.</summary>
    public static IReadOnlyList<Term> Count(ModelSize size)
    {
        double n = size.Tokens, r = size.Rank, c = size.Hidden, kv = (double)size.KvHeads * size.HeadDim, layers = size.Layers;
        (double In, double Out)[] projections = [(c, c), (c, kv), (c, kv), (c, c), (c, size.Intermediate), (c, size.Intermediate), (size.Intermediate, c)];
        (double In, double Out)[] readingEmbeddings = [(c, c), (c, kv), (c, kv)]; // q, k, v of layer 0
        double weights = projections.Sum(p => p.In * p.Out);
        double skippedWeights = readingEmbeddings.Sum(p => p.In * p.Out);
        double loraIn = projections.Sum(p => p.In), loraOut = projections.Sum(p => p.Out), skippedLoraIn = readingEmbeddings.Sum(p => p.In);
        double attention = 4.0 * size.Batch * size.Length * size.Length * c;
        double head = 2.0 * size.Supervised * c * size.Vocabulary;
        return
        [
            new("frozen projections, forward", 2 * n * weights * layers),
            new("frozen projections, input gradients", 2 * n * (weights * layers - skippedWeights)),
            new("LoRA, forward", 2 * n * r * (loraIn + loraOut) * layers),
            new("LoRA, weight gradients", 2 * n * r * (loraIn + loraOut) * layers),
            new("LoRA, input gradients", 2 * n * r * (loraOut * layers + loraIn * layers - skippedLoraIn)),
            new("attention QK^T and AV, forward", attention * layers),
            new("attention QK^T and AV, backward", 2 * attention * layers),
            new("lm_head at supervised positions, forward", head),
            new("lm_head at supervised positions, input gradient", head),
        ];
    }
}
