using Pipeline.Contracts.Adapters;

namespace Pipeline.Plugins.Adapters.Mma;

/// <summary>
/// An MMA adapter attached to a model: one <see cref="MixtureOfModalityAdapter"/> per targeted attention input and,
/// when the LLM is targeted, the <see cref="ModalityToken"/> prepended to its sequence. It cannot merge: its routing
/// makes the update depend on the input (and without routing, merging is not implemented).
/// </summary>
public sealed class MmaAdapter : IAdapter
{
    /// <summary>The label of the modality token in <see cref="AttachedSites"/>.</summary>
    public const string ModalityTokenSite = "llm:sequence_prefix";

    private readonly IReadOnlyList<(string Label, MixtureOfModalityAdapter Module)> _blocks;

    /// <param name="name">The adapter name the modules are attached under.</param>
    /// <param name="blocks">Each attention input as <c>component:path</c> and the module attached there, in attachment order.</param>
    /// <param name="modalityToken">The modality token, or <c>null</c> when none was prepended.</param>
    public MmaAdapter(string name, IReadOnlyList<(string Label, MixtureOfModalityAdapter Module)> blocks, ModalityToken? modalityToken)
    {
        Name = name;
        _blocks = blocks;
        ModalityToken = modalityToken;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The modality token prepended to the LLM's sequence, or <c>null</c>.</summary>
    public ModalityToken? ModalityToken { get; }

    /// <summary>The adapter module at each attention input, keyed by <c>component:path</c>.</summary>
    public IReadOnlyDictionary<string, MixtureOfModalityAdapter> Blocks => _blocks.ToDictionary(b => b.Label, b => b.Module);

    /// <inheritdoc />
    public IReadOnlyList<string> AttachedSites =>
        [.. ModalityToken is null ? [] : new[] { ModalityTokenSite }, .. _blocks.Select(b => b.Label)];

    /// <inheritdoc />
    public bool CanMerge => false;

    /// <inheritdoc />
    public void Merge() => throw NotMergeable();

    /// <inheritdoc />
    public void Unmerge() => throw NotMergeable();

    private NotSupportedException NotMergeable() => _blocks.Count > 0 && _blocks.All(b => !b.Module.Routing)
        ? new($"adapter '{Name}' cannot be merged: MMA does not merge its single-path blocks (routing: false)")
        : new($"adapter '{Name}' cannot be merged: MMA's update depends on the input through its routing weights");
}
