using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Composition;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Adapters.Mma;

/// <summary>
/// The <c>mma</c> adapter plugin: LaVIN's mixture-of-modality adaptation. A
/// <see cref="MixtureOfModalityAdapter"/> goes before attention in every targeted block (<c>h = x + Attn(Adapter(Norm(x)))</c>),
/// routed per sample on position 0 of that block's input: [CLS] in an encoder, the <see cref="ModalityToken"/> in the LLM.
/// Up-projections start at zero and the token is hidden from text, so the adapted model starts out computing what the
/// base model computes. With <see cref="MmaOptions.Routing"/> off, every block is the single path <c>Z + s * Y_0</c> and
/// no token is prepended: the ablation of routing.
/// </summary>
[ExportAdapter("mma")]
public sealed class MmaAdapterFactory : AdapterFactory<MmaOptions>
{
    /// <inheritdoc />
    public override string Description => "MMA (LaVIN): routed bottleneck adapters before attention, with a modality token at position 0 of the LLM";

    /// <summary>
    /// Selects the attention inputs of every component in <see cref="MmaOptions.Targets"/>, prepends the modality token to
    /// the LLM when <see cref="MmaOptions.UsesModalityToken"/>, and attaches one <see cref="MixtureOfModalityAdapter"/> per
    /// selected block under <see cref="AdapterBuildContext.AdapterName"/>. Everything is checked before anything is attached,
    /// so a bad target leaves the model untouched.
    /// </summary>
    /// <exception cref="AdapterTargetException">
    /// A component does not exist or has no attention inputs, a pattern matches nothing in its component, the groups do not
    /// divide a targeted width, or the modality token is asked for but the LLM takes no sequence prefix.
    /// </exception>
    protected override IAdapter Attach(MmaOptions mma, AdapterBuildContext context)
    {
        var sites = AttentionInputTargets.Select(mma, context);
        ISequencePrefixSite? prefixSite = null;
        if (mma.UsesModalityToken)
        {
            prefixSite = context.Component("llm").SequencePrefix
                ?? throw new AdapterTargetException($"adapter '{context.AdapterName}': component 'llm' takes no sequence prefix, so it cannot " +
                    "carry the modality token; set modality_token: false");
        }

        using var generator = RandomSource(context);
        ModalityToken? token = null;
        if (prefixSite is not null)
        {
            token = new ModalityToken(context.Component("llm").Width, context.Device, generator);
            prefixSite.Attach(context.AdapterName, token);
        }
        var blocks = new List<(string Label, MixtureOfModalityAdapter Module)>();
        foreach (var (label, site) in sites)
        {
            var block = new MixtureOfModalityAdapter(site.Width, mma.Bottleneck, mma.Groups, mma.Temperature, mma.Scale, mma.Dropout,
                context.Device, generator, mma.Routing);
            // Only the LLM's routers report their weights: they see every sample of the batch, an encoder's only those with its media.
            if (label.StartsWith("llm:", StringComparison.Ordinal))
                block.RoutingReport = new RoutingWeightReport(context.ForwardContext, context.AdapterName, site.LayerIndex);
            site.Attach(context.AdapterName, block);
            blocks.Add((label, block));
        }
        return new MmaAdapter(context.AdapterName, blocks, token);
    }

    // The meta device holds no values, so it needs (and takes) no generator.
    private static Generator? RandomSource(AdapterBuildContext context) =>
        context.Device.type == DeviceType.META ? null : new Generator(unchecked((ulong)context.Seed), context.Device);
}
