using static TorchSharp.torch;

namespace Pipeline.Contracts.Adapters;

/// <summary>A component's token-embedding table, for adapters that start from vocabulary embeddings such as prompt tuning (contracts 1.6).</summary>
public interface ITokenEmbeddings
{
    /// <summary>How many tokens the table holds (V).</summary>
    int VocabularySize { get; }

    /// <summary>The embedding matrix, <c>V x C</c>, the parameter itself: read it (for example copy rows of it under <c>no_grad</c>), do not write it.</summary>
    Tensor Weight { get; }
}
