using Pipeline.Contracts.Adapters;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Samples.PromptTuning;

/// <summary>
/// The soft prompt: <c>K</c> learned embeddings (<c>K x C</c>, state-dict key <c>&lt;adapter name&gt;.prompt_embeddings</c>
/// under the LLM) prepended to every sample's input, before the first text or media token. Every later position may attend
/// to them (<see cref="VisibleToText"/>), which is how they act; the LLM drops their positions from its output, so logits
/// and labels still line up with the text.
/// </summary>
public sealed class SoftPrompt : nn.Module, ISequencePrefix
{
    private readonly Parameter _embeddings;

    /// <param name="tokens">How many soft tokens (K).</param>
    /// <param name="width">The LLM width C.</param>
    /// <param name="device">Where to create the parameters.</param>
    public SoftPrompt(int tokens, int width, Device device) : base(nameof(SoftPrompt))
    {
        // Zeros until the factory copies the starting values in; float32 whatever the LLM's weights are stored in.
        _embeddings = new Parameter(zeros(tokens, width, dtype: ScalarType.Float32, device: device));
        register_parameter("prompt_embeddings", _embeddings);
    }

    /// <summary>The soft tokens, <c>K x C</c> (the parameter itself).</summary>
    public Tensor Embeddings => _embeddings;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    public int Length => (int)_embeddings.shape[0];

    /// <summary>True: the text after the prompt attends to it; that is the whole method.</summary>
    public bool VisibleToText => true;

    /// <summary>The same <c>K x C</c> tokens for every sample of the batch, <c>B x K x C</c>.</summary>
    public Tensor Embed(ForwardContext context)
    {
        using var scope = NewDisposeScope();
        return _embeddings.unsqueeze(0).expand(context.TokenMask.shape[0], -1, -1).MoveToOuterDisposeScope();
    }
}
