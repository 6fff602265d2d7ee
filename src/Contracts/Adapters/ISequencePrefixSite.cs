using TorchSharp;

namespace Pipeline.Contracts.Adapters;

/// <summary>
/// Lets an adapter prepend learned tokens to the LLM's input sequence, for example MMA's modality token.
/// The component drops the prefix positions from its output, so logits and labels still line up with the text.
/// </summary>
public interface ISequencePrefixSite
{
    /// <summary>
    /// Attaches <paramref name="prefix"/> under <paramref name="adapterName"/>. Prefixes are concatenated in
    /// attachment order before the first text token.
    /// </summary>
    void Attach(string adapterName, ISequencePrefix prefix);
}
