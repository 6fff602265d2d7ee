using Pipeline.Contracts.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Host.Modules.Llama;

/// <summary>The decoder stack (Hugging Face <c>LlamaModel</c>): token embedding, layers, final norm.</summary>
public sealed class LlamaModel : nn.Module<AttentionInput, Tensor>
{
    private readonly Embedding embed_tokens;
    private readonly ModuleList<LlamaDecoderLayer> layers;
    private readonly RmsNorm norm;

    public LlamaModel(LlamaOptions options) : base(nameof(LlamaModel))
    {
        embed_tokens = nn.Embedding(options.VocabSize, options.HiddenSize);
        layers = new ModuleList<LlamaDecoderLayer>(Enumerable.Range(0, options.Layers).Select(i => new LlamaDecoderLayer(i, options)).ToArray());
        norm = new RmsNorm(options.HiddenSize, options.RmsNormEps);
        RegisterComponents();
    }

    /// <summary>
    /// Embeds token ids (<c>B x N</c>) into <c>B x N x C</c>, in float32 when the table is stored in reduced precision:
    /// the residual stream stays float32 and only the frozen weights are reduced.
    /// </summary>
    /// <summary>The token-embedding matrix (<c>V x C</c>), the parameter itself.</summary>
    public Tensor TokenEmbeddingWeight => embed_tokens.weight!;

    public Tensor EmbedTokens(Tensor ids) => ReducedPrecision.Widen(embed_tokens.call(ids));

    /// <summary>Runs every layer on the embedded sequence in <see cref="AttentionInput.Hidden"/>; returns the normed output.</summary>
    public override Tensor forward(AttentionInput input)
    {
        using var scope = NewDisposeScope();
        Tensor hidden = input.Hidden;
        foreach (var layer in layers) hidden = layer.call(input with { Hidden = hidden });
        return norm.call(hidden).MoveToOuterDisposeScope();
    }
}
