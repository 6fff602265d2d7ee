using System.Globalization;

namespace Pipeline.Host.Training;

/// <summary>
/// A lower bound on the memory one training micro-batch needs beyond the loaded model's weights, in bytes (4-byte
/// floats): the answer logits and their gradient (samples x answer tokens x vocabulary x 4 x 2), what each decoder
/// layer keeps for the backward pass (samples x tokens x layers x (8 x hidden + 3 x intermediate) x 4: the
/// normalised inputs, queries, keys, values, attention output and residuals, and the feed-forward's gate, up and
/// activated values), and the trained parameters' gradients and AdamW moments (trainable x 12). Attention
/// probabilities, padding, encoders' activations and allocator overhead are left out, so a run the estimate refuses
/// needs more than it says.
/// </summary>
/// <param name="Samples">Samples per micro-batch (<c>stages[i].batch_size</c>).</param>
/// <param name="Tokens">Mean tokens per sample, media tokens included.</param>
/// <param name="AnswerTokens">Mean supervised (answer) tokens per sample.</param>
/// <param name="Vocabulary">The decoder's vocabulary.</param>
/// <param name="Layers">Decoder layers.</param>
/// <param name="Hidden">Decoder hidden size.</param>
/// <param name="Intermediate">Decoder feed-forward size.</param>
/// <param name="TrainableParameters">Parameters the stage trains.</param>
public sealed record MicroBatchMemory(long Samples, double Tokens, double AnswerTokens, long Vocabulary, long Layers, long Hidden, long Intermediate,
    long TrainableParameters)
{
    /// <summary>Bytes of one float.</summary>
    public const long FloatBytes = 4;

    /// <summary>The answer logits and their gradient.</summary>
    public double LogitBytes => Samples * AnswerTokens * Vocabulary * FloatBytes * 2;

    /// <summary>What the decoder layers keep for the backward pass.</summary>
    public double ActivationBytes => Samples * Tokens * Layers * (8.0 * Hidden + 3.0 * Intermediate) * FloatBytes;

    /// <summary>Gradients and AdamW's two moments of the trained parameters.</summary>
    public double OptimizerBytes => TrainableParameters * FloatBytes * 3.0;

    /// <summary>The whole estimate.</summary>
    public double TotalBytes => LogitBytes + ActivationBytes + OptimizerBytes;

    /// <summary>The parts, as a message shows them.</summary>
    public string Describe() =>
        $"logits {Size(LogitBytes)} ({Samples} samples x {Number(AnswerTokens)} answer tokens x {Vocabulary} vocabulary x 4 bytes x 2), " +
        $"activations {Size(ActivationBytes)} ({Samples} samples x {Number(Tokens)} tokens x {Layers} layers x (8 x {Hidden} + 3 x {Intermediate}) x 4 bytes), " +
        $"gradients and AdamW state {Size(OptimizerBytes)} ({TrainableParameters.ToString("N0", CultureInfo.InvariantCulture)} trainable parameters x 12 bytes)";

    /// <summary>Bytes as GiB or MiB with one decimal.</summary>
    public static string Size(double bytes) => bytes >= 1 << 30
        ? (bytes / (1 << 30)).ToString("F1", CultureInfo.InvariantCulture) + " GiB"
        : (bytes / (1 << 20)).ToString("F1", CultureInfo.InvariantCulture) + " MiB";

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
