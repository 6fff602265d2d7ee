using Pipeline.Contracts.Options;

namespace Pipeline.Host.Modules.Llama;

/// <summary>
/// Dimensions of the LLaMA-style decoder (YAML <c>model.llm</c>). Defaults are a tiny model that trains on two CPU cores;
/// LLaMA-7B is hidden_size 4096, intermediate_size 11008, layers 32, heads 32, kv_heads 32.
/// </summary>
public sealed record LlamaOptions : IValidatableOptions
{
    /// <summary>Vocabulary size; 0 takes it from the tokenizer.</summary>
    public int VocabSize { get; init; }

    /// <summary>Model width C.</summary>
    public int HiddenSize { get; init; } = 64;

    /// <summary>Width of the SwiGLU feed-forward network.</summary>
    public int IntermediateSize { get; init; } = 176;

    /// <summary>Number of decoder layers.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Attention (query) heads.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Key/value heads for grouped-query attention; must divide <see cref="Heads"/>.</summary>
    public int KvHeads { get; init; } = 2;

    /// <summary>Rotary embedding base.</summary>
    public double RopeTheta { get; init; } = 10000.0;

    /// <summary>RMSNorm epsilon.</summary>
    public double RmsNormEps { get; init; } = 1e-5;

    /// <summary>Longest sequence (in tokens, media tokens included) a sample may have.</summary>
    public int MaxSequenceLength { get; init; } = 128;

    /// <summary>Head dimension, <c>hidden_size / heads</c>.</summary>
    public int HeadDim => HiddenSize / Heads;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (VocabSize < 0) yield return new OptionError("vocab_size", $"must be 0 (from the tokenizer) or positive, got {VocabSize}");
        if (HiddenSize < 1) yield return new OptionError("hidden_size", $"must be at least 1, got {HiddenSize}");
        if (IntermediateSize < 1) yield return new OptionError("intermediate_size", $"must be at least 1, got {IntermediateSize}");
        if (Layers < 1) yield return new OptionError("layers", $"must be at least 1, got {Layers}");
        if (Heads < 1 || HiddenSize % Heads != 0)
            yield return new OptionError("heads", $"must divide hidden_size ({HiddenSize}), got {Heads}");
        else if ((HiddenSize / Heads) % 2 != 0)
            yield return new OptionError("heads", $"hidden_size / heads must be even for rotary embeddings, got {HiddenSize / Heads}");
        if (KvHeads < 1 || Heads % KvHeads != 0) yield return new OptionError("kv_heads", $"must divide heads ({Heads}), got {KvHeads}");
        if (MaxSequenceLength < 2) yield return new OptionError("max_sequence_length", $"must be at least 2, got {MaxSequenceLength}");
        if (RopeTheta <= 0) yield return new OptionError("rope_theta", $"must be positive, got {RopeTheta}");
    }
}
