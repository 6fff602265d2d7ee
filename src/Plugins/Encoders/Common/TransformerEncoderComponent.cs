using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Media;
using Pipeline.Contracts.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Encoders.Common;

/// <summary>
/// What the built-in encoders share as <see cref="IEncoder"/>s: one root module whose projections are linear sites and
/// whose blocks have attention-input sites, no gated feed-forward network and no sequence prefix. Subclasses say which
/// modality they take and how to collate it.
/// </summary>
public abstract class TransformerEncoderComponent : IEncoder
{
    private readonly nn.Module<Tensor, Tensor> _root;

    /// <param name="name">The component name (the encoder's YAML name).</param>
    /// <param name="root">The encoder module, already built with its weights.</param>
    /// <param name="width">Its output width.</param>
    /// <param name="tokenCount">Tokens per sample it returns.</param>
    protected TransformerEncoderComponent(string name, nn.Module<Tensor, Tensor> root, int width, int tokenCount)
    {
        Name = name;
        _root = root;
        Width = width;
        TokenCount = tokenCount;
        LinearSites = ComponentSites.Linear(root);
        AttentionInputSites = ComponentSites.AttentionInput(root);
    }

    /// <summary>Seeds the global generator with <see cref="EncoderBuildContext.Seed"/>, then builds the root module on the context's device.</summary>
    protected static T BuildSeeded<T>(EncoderBuildContext context, Func<Device, T> build)
    {
        manual_seed(context.Seed);
        return build(BuildDevice.Resolve(context.Device));
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public abstract string Modality { get; }

    /// <inheritdoc />
    public nn.Module Module => _root;

    /// <inheritdoc />
    public int Width { get; }

    /// <inheritdoc />
    public int TokenCount { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, ILinearSite> LinearSites { get; }

    /// <inheritdoc />
    public IReadOnlyList<IFeedForwardSite> FeedForwardSites => [];

    /// <inheritdoc />
    public IReadOnlyList<IAttentionInputSite> AttentionInputSites { get; }

    /// <inheritdoc />
    public ISequencePrefixSite? SequencePrefix => null;

    /// <inheritdoc />
    public abstract Tensor Collate(IReadOnlyList<MediaItem> items, Device device);

    /// <inheritdoc />
    public Tensor Encode(Tensor batch) => _root.call(batch);

    /// <summary>Disposes the root module and its parameters and buffers.</summary>
    public void Dispose()
    {
        _root.Dispose();
        GC.SuppressFinalize(this);
    }
}
