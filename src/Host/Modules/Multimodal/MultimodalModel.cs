using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Modules;
using Pipeline.Host.Modules.Llama;
using Pipeline.Host.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Host.Modules.Multimodal;

/// <summary>
/// The multimodal LLM: encoders turn media into tokens, projectors map them to the LLM width, and they replace the
/// sample's placeholder positions in the embedded text before the decoder runs. State-dict keys are
/// <c>llm.*</c> (Hugging Face LLaMA names below it), <c>encoders.&lt;name&gt;.*</c> and <c>projectors.&lt;name&gt;.*</c>.
/// </summary>
public sealed class MultimodalModel : nn.Module
{
    private readonly LlamaForCausalLM llm;
    private readonly ModuleDict<nn.Module> encoders;
    private readonly ModuleDict<Projector> projectors;
    private readonly IReadOnlyDictionary<string, IEncoder> _encoders;
    private readonly ForwardContextAccessor _forwardContext;

    public MultimodalModel(LlamaForCausalLM llm, IReadOnlyDictionary<string, IEncoder> encoders,
        IReadOnlyDictionary<string, Projector> projectors, ForwardContextAccessor forwardContext) : base(nameof(MultimodalModel))
    {
        this.llm = llm;
        _encoders = encoders;
        _forwardContext = forwardContext;
        this.encoders = new ModuleDict<nn.Module>();
        foreach (var (name, encoder) in encoders) this.encoders.Add((name, encoder.Module));
        this.projectors = new ModuleDict<Projector>();
        foreach (var (name, projector) in projectors) this.projectors.Add((name, projector));
        RegisterComponents();
    }

    /// <summary>The language model (component <c>llm</c>).</summary>
    public LlamaForCausalLM Llm => llm;

    /// <summary>Which plugin built each encoder and attached each adapter, for reporting failures by plugin.</summary>
    public PluginOrigins PluginOrigins { get; } = new();

    /// <summary>The encoders by component name.</summary>
    public IReadOnlyDictionary<string, IEncoder> Encoders => _encoders;

    /// <summary>Every adaptable component by name: <c>llm</c> and each encoder.</summary>
    public IReadOnlyDictionary<string, IAdaptableComponent> Components =>
        _encoders.ToDictionary(kv => kv.Key, kv => (IAdaptableComponent)kv.Value).Append(new("llm", llm)).ToDictionary();

    /// <summary>The encoder handling <paramref name="modality"/>, or <c>null</c>.</summary>
    public (string Name, IEncoder Encoder)? EncoderFor(string modality) =>
        _encoders.Where(kv => kv.Value.Modality == modality).Select(kv => ((string, IEncoder)?)(kv.Key, kv.Value)).FirstOrDefault();

    /// <summary>
    /// Runs the batch: encodes and splices media, then the decoder. Returns the logits of every position
    /// (<c>B x N x V</c>) and the auxiliary losses. Training and evaluation use <see cref="ForwardSupervised"/>.
    /// </summary>
    /// <exception cref="Pipeline.Host.Pipelines.PluginFailureException">An encoder or an attached adapter module threw; the message names its plugin.</exception>
    public ModelOutput Forward(ModelBatch batch) => Attributed(() => ForwardUnattributed(batch, supervisedOnly: false, collectSampleStatistics: false));

    /// <summary>
    /// Runs the batch like <see cref="Forward"/>, but the language-model head only at supervised positions (label not
    /// ignored): the logits are <c>M x V</c> for the batch's <c>M</c> supervised positions, in batch then position
    /// order, and the <c>B x N x V</c> logits are never materialised. Each row equals the same position's row of
    /// <see cref="Forward"/> up to float rounding.
    /// </summary>
    /// <param name="batch">The batch.</param>
    /// <param name="collectSampleStatistics">
    /// Whether adapters report per-sample statistics (<see cref="ForwardContext.CollectsSampleStatistics"/>) into
    /// <see cref="ModelOutput.SampleStatistics"/>; only in evaluation mode (the evaluator asks for them).
    /// </param>
    /// <exception cref="Pipeline.Host.Pipelines.PluginFailureException">An encoder or an attached adapter module threw; the message names its plugin.</exception>
    /// <exception cref="ArgumentException"><paramref name="collectSampleStatistics"/> while the model is in training mode.</exception>
    public ModelOutput ForwardSupervised(ModelBatch batch, bool collectSampleStatistics = false) =>
        Attributed(() => ForwardUnattributed(batch, supervisedOnly: true, collectSampleStatistics));

    private ModelOutput Attributed(Func<ModelOutput> forward)
    {
        try
        {
            return forward();
        }
        catch (AdapterForwardException failure)
        {
            throw PluginForwardFailure.ForAdapter(this, failure);
        }
    }

    private ModelOutput ForwardUnattributed(ModelBatch batch, bool supervisedOnly, bool collectSampleStatistics)
    {
        var context = new ForwardContext(batch.TokenMask, batch.HasMedia, training, collectSampleStatistics);
        using var current = _forwardContext.Use(context);
        Tensor embeddings = llm.EmbedTokens(batch.InputIds);
        foreach (var (modality, (media, placeholderId, placeholderPositions)) in batch.Media)
        {
            var (name, encoder) = EncoderFor(modality) ?? throw new InvalidOperationException($"the batch has {modality} media but the model has no {modality} encoder");
            Tensor encoded;
            try
            {
                encoded = encoder.Encode(media);
                long[] expectedShape = [media.shape[0], encoder.TokenCount, encoder.Width];
                if (!encoded.shape.SequenceEqual(expectedShape))
                    throw new InvalidOperationException($"it returned shape [{string.Join(", ", encoded.shape)}] for {media.shape[0]} samples; " +
                        $"expected [{string.Join(", ", expectedShape)}] (samples x TokenCount x Width)");
                if (NonFiniteOutputCheck.Active && !encoded.isfinite().all().item<bool>() && media.isfinite().all().item<bool>())
                    throw new InvalidOperationException("it turned finite media into non-finite features (NaN or infinity)");
            }
            catch (Exception error) when (error is not AdapterForwardException)
            {
                throw PluginForwardFailure.ForEncoder(this, name, error);
            }
            // An encoder stored in reduced precision returns reduced features; the projector is float32.
            Tensor features = projectors[name].call(ReducedPrecision.Widen(encoded));
            if (placeholderPositions != features.shape[0] * features.shape[1])
                throw new InvalidOperationException(
                    $"{modality}: {features.shape[0]} samples x {features.shape[1]} tokens do not fill the {placeholderPositions} placeholder positions");
            Tensor positions = batch.InputIds.eq(placeholderId);
            embeddings = embeddings.masked_scatter(positions.unsqueeze(-1).expand_as(embeddings), features.to_type(embeddings.dtype));
        }
        Tensor logits = supervisedOnly
            ? llm.SelectedLogits(embeddings, batch.Labels.ne(BatchCollator.IgnoredLabel))
            : llm.call(embeddings);
        return new ModelOutput(logits, context.AuxiliaryLosses) { SampleStatistics = context.SampleStatistics };
    }
}
