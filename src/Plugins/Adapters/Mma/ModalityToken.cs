using Pipeline.Contracts.Adapters;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Adapters.Mma;

/// <summary>
/// MMA's modality token <c>t_m = E_m[m]</c>, prepended at position 0 of the LLM: <c>E_m</c> is a <c>2 x C</c> embedding
/// (<c>modality_embedding.weight</c>), <c>m = 1</c> for a sample with an image or audio clip and <c>0</c> for a
/// text-only one (<see cref="ForwardContext.SampleHasMedia"/>). It is hidden from text (<see cref="VisibleToText"/> is
/// false): no later position attends to it, so it acts only through the routers that read position 0.
/// </summary>
public sealed class ModalityToken : nn.Module, ISequencePrefix
{
    /// <summary>The number of modality rows: text only (0) and with media (1).</summary>
    public const int Modalities = 2;

    [ComponentName(Name = "modality_embedding")]
    private readonly Embedding _embedding;

    /// <param name="width">The LLM width C.</param>
    /// <param name="device">Where to create the parameters.</param>
    /// <param name="generator">Random source for the <c>N(0, 1)</c> initialisation (as <c>nn.Embedding</c>); <c>null</c> for the global one.</param>
    public ModalityToken(int width, Device? device = null, Generator? generator = null) : base(nameof(ModalityToken))
    {
        _embedding = nn.Embedding(Modalities, width, device: device);
        using (no_grad()) _embedding.weight!.normal_(0, 1, generator);
        RegisterComponents();
    }

    /// <summary><c>E_m</c>, <c>2 x C</c>: row 0 for text-only samples, row 1 for samples with media.</summary>
    public Parameter Embedding => _embedding.weight!;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    public int Length => 1;

    /// <inheritdoc />
    public bool VisibleToText => false;

    /// <summary>Returns <c>E_m[m_b]</c> for every sample b, <c>B x 1 x C</c>.</summary>
    public Tensor Embed(ForwardContext context)
    {
        using var scope = NewDisposeScope();
        Tensor modality = context.SampleHasMedia.to_type(ScalarType.Int64).to(_embedding.weight!.device);
        return _embedding.call(modality).unsqueeze(1).MoveToOuterDisposeScope();
    }
}
