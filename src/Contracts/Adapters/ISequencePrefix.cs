using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Contracts.Adapters;

/// <summary>Learned tokens prepended to the LLM sequence. Implement it on an <see cref="nn.Module"/> so its parameters are registered.</summary>
public interface ISequencePrefix
{
    /// <summary>The module holding the prefix's parameters; the site registers it under the adapter name.</summary>
    nn.Module Module { get; }

    /// <summary>How many positions the prefix adds (P).</summary>
    int Length { get; }

    /// <summary>
    /// Whether positions after the prefix may attend to it. <c>false</c> means only the prefix positions
    /// themselves see it, so it acts only through what reads it directly (routing), as MMA requires.
    /// </summary>
    bool VisibleToText { get; }

    /// <summary>Returns the prefix embeddings, <c>B x P x C</c>, for the batch described by <paramref name="context"/>.</summary>
    Tensor Embed(ForwardContext context);
}
