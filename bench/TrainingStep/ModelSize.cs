namespace Pipeline.Bench.TrainingStep;

/// <summary>
/// The decoder and batch a benchmark trains: LoRA (rank 8, alpha 16, no dropout) on every projection of a frozen,
/// text-only LLaMA-style decoder, on fixed-length samples whose last <see cref="SupervisedPerSample"/> tokens (the
/// answer and its closing <c>&lt;eos&gt;</c>) are supervised.
/// </summary>
/// <param name="Name"><c>quickstart</c> or <c>bench</c>.</param>
/// <param name="Hidden">Model width C.</param>
/// <param name="Intermediate">Feed-forward width.</param>
/// <param name="Layers">Decoder layers.</param>
/// <param name="Heads">Query heads.</param>
/// <param name="KvHeads">Key/value heads.</param>
/// <param name="Length">Tokens per sample (T), also <c>max_sequence_length</c>.</param>
/// <param name="Batch">Samples per step (B).</param>
/// <param name="Vocabulary">Entries of the generated tokenizer (V).</param>
/// <param name="SupervisedPerSample">Supervised tokens per sample: the answer's tokens and <c>&lt;eos&gt;</c>.</param>
/// <param name="Rank">LoRA rank r (alpha is 2r).</param>
internal sealed record ModelSize(string Name, int Hidden, int Intermediate, int Layers, int Heads, int KvHeads, int Length, int Batch,
    int Vocabulary, int SupervisedPerSample, int Rank)
{
    /// <summary>The quickstart's decoder (examples/quickstart.yaml) and batch: width 96, FFN 256, 3 layers, 4/2 heads, 64 x 32 tokens.</summary>
    public static ModelSize Quickstart { get; } = new("quickstart", Hidden: 96, Intermediate: 256, Layers: 3, Heads: 4, KvHeads: 2,
        Length: 64, Batch: 32, Vocabulary: 1024, SupervisedPerSample: 8, Rank: 8);

    /// <summary>The bench size: width 512, FFN 1376, 8 layers, 8/4 heads, 128 x 8 tokens.</summary>
    public static ModelSize Bench { get; } = new("bench", Hidden: 512, Intermediate: 1376, Layers: 8, Heads: 8, KvHeads: 4,
        Length: 128, Batch: 8, Vocabulary: 1024, SupervisedPerSample: 16, Rank: 8);

    /// <summary>The preset called <paramref name="name"/>.</summary>
    public static ModelSize Named(string name) => name switch
    {
        "quickstart" => Quickstart,
        "bench" => Bench,
        _ => throw new ArgumentException($"unknown size '{name}'; use quickstart or bench"),
    };

    /// <summary>Head width, <c>Hidden / Heads</c>.</summary>
    public int HeadDim => Hidden / Heads;

    /// <summary>Tokens per step, <c>B x T</c>.</summary>
    public long Tokens => (long)Batch * Length;

    /// <summary>Supervised positions per step (M): the rows the language-model head runs on.</summary>
    public long Supervised => (long)Batch * SupervisedPerSample;

    /// <summary>One line for the log.</summary>
    public string Describe() =>
        $"{Name}: hidden {Hidden}, intermediate {Intermediate}, {Layers} layers, {Heads} heads / {KvHeads} KV heads, vocabulary {Vocabulary}, " +
        $"batch {Batch} x {Length} tokens ({SupervisedPerSample} supervised per sample), LoRA rank {Rank} on q, k, v, o, gate, up, down";
}
