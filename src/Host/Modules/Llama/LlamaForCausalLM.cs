using System.Text.Json;
using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Interop;
using Pipeline.Contracts.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Modules.Llama;

/// <summary>
/// The LLaMA-style language model with Hugging Face state-dict names (<c>model.layers.0.self_attn.q_proj.weight</c>,
/// <c>lm_head.weight</c>). It is the <c>llm</c> adaptable component, and its own <see cref="ISequencePrefixSite"/>:
/// prefixes attached by adapters are prepended before the text and removed from the output again. It reads Hugging
/// Face LLaMA checkpoints (<see cref="LlamaCheckpointLayout"/>). Its token embeddings are the component's
/// <see cref="ITokenEmbeddings"/>, and a prefix switched off (<see cref="ISwitchableAdapterSite"/>) is left out of the sequence.
/// </summary>
public sealed class LlamaForCausalLM : nn.Module<Tensor, Tensor>, IAdaptableComponent, ISequencePrefixSite, ISwitchableAdapterSite, ITokenEmbeddings, IHuggingFaceLayout
{
    private readonly LlamaModel model;
    private readonly AdaptableLinear lm_head;
    private readonly LlamaOptions _options;
    private readonly IForwardContextAccessor _forwardContext;
    private readonly List<(string Name, ISequencePrefix Prefix)> _prefixes = [];
    private readonly HashSet<string> _inactive = [];
    private readonly RotaryTables _rotary;

    public LlamaForCausalLM(LlamaOptions options, IForwardContextAccessor forwardContext) : base(nameof(LlamaForCausalLM))
    {
        if (options.VocabSize < 1) throw new ArgumentException("vocab_size must be resolved (from the tokenizer) before building the model", nameof(options));
        _options = options;
        _forwardContext = forwardContext;
        model = new LlamaModel(options);
        lm_head = new AdaptableLinear(options.HiddenSize, options.VocabSize, hasBias: false);
        RegisterComponents();
        _rotary = new RotaryTables(options.HeadDim, options.RopeTheta);
    }

    public string Name => "llm";

    public nn.Module Module => this;

    public int Width => _options.HiddenSize;

    public LlamaOptions Options => _options;

    public IReadOnlyDictionary<string, ILinearSite> LinearSites => ComponentSites.Linear(this);

    public IReadOnlyList<IFeedForwardSite> FeedForwardSites => ComponentSites.FeedForward(this);

    public IReadOnlyList<IAttentionInputSite> AttentionInputSites => ComponentSites.AttentionInput(this);

    public ISequencePrefixSite? SequencePrefix => this;

    public ITokenEmbeddings? TokenEmbeddings => this;

    int ITokenEmbeddings.VocabularySize => _options.VocabSize;

    Tensor ITokenEmbeddings.Weight => model.TokenEmbeddingWeight;

    public void SetActive(string adapterName, bool active)
    {
        if (active) _inactive.Remove(adapterName);
        else if (_prefixes.Any(p => p.Name == adapterName)) _inactive.Add(adapterName);
    }

    public bool IsActive(string adapterName) => !_inactive.Contains(adapterName);

    /// <summary>The attached prefixes that are switched on, in attachment order.</summary>
    private List<(string Name, ISequencePrefix Prefix)> ActivePrefixes() => _prefixes.Where(p => !_inactive.Contains(p.Name)).ToList();

    public IReadOnlyList<string> KeyPrefixes => LlamaCheckpointLayout.KeyPrefixes;

    public IReadOnlyList<string> UnusedKeys => LlamaCheckpointLayout.UnusedKeys;

    public IReadOnlyList<string> CheckConfig(JsonElement config) => LlamaCheckpointLayout.CheckConfig(config, _options);

    public IReadOnlyDictionary<string, string> TiedKeys(JsonElement config) => LlamaCheckpointLayout.TiedKeys(config);

    public void Attach(string adapterName, ISequencePrefix prefix)
    {
        register_module(adapterName, prefix.Module);
        _prefixes.Add((adapterName, prefix));
    }

    /// <summary>Embeds token ids (<c>B x N</c>) into <c>B x N x C</c>.</summary>
    public Tensor EmbedTokens(Tensor ids) => model.EmbedTokens(ids);

    /// <summary>Maps embedded text (<c>B x N x C</c>) to next-token logits (<c>B x N x V</c>) for the text positions.</summary>
    public override Tensor forward(Tensor embeddings)
    {
        using var scope = NewDisposeScope();
        return lm_head.call(Decode(embeddings)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Next-token logits (<c>M x V</c>) at the <c>M</c> text positions that <paramref name="selection"/> (<c>B x N</c>
    /// bool) marks, in batch then position order. The language-model head runs on those positions alone, so the
    /// <c>B x N x V</c> logits are never materialised; each row equals the same row of
    /// <see cref="forward"/> up to float rounding (a product over fewer rows may round the last bit differently).
    /// </summary>
    public Tensor SelectedLogits(Tensor embeddings, Tensor selection)
    {
        using var scope = NewDisposeScope();
        Tensor hidden = Decode(embeddings);
        if (selection.dim() != 2 || selection.shape[0] != hidden.shape[0] || selection.shape[1] != hidden.shape[1])
            throw new ArgumentException(
                $"the selection [{string.Join(", ", selection.shape)}] does not match the {hidden.shape[0]} x {hidden.shape[1]} text positions", nameof(selection));
        Tensor rows = selection.to(hidden.device).reshape(-1).nonzero().squeeze(1);
        Tensor selected = hidden.reshape(-1, hidden.shape[^1]).index_select(0, rows);
        return lm_head.call(selected).MoveToOuterDisposeScope();
    }

    /// <summary>The decoder's normed output (<c>B x N x C</c>) at the text positions, with any attached prefixes run and removed.</summary>
    private Tensor Decode(Tensor embeddings)
    {
        Tensor hidden = embeddings;
        int prefixLength = 0;
        Tensor? mask = null;
        var prefixes = ActivePrefixes();
        if (prefixes.Count > 0)
        {
            ForwardContext context = _forwardContext.Current
                ?? throw new InvalidOperationException("a sequence prefix is attached, but no forward context is current");
            var parts = prefixes.Select(p => AdapterForwardException.Run(p.Name, this, () => p.Prefix.Embed(context)).to_type(embeddings.dtype))
                .Append(embeddings).ToArray();
            hidden = cat(parts, dim: 1);
            prefixLength = prefixes.Sum(p => p.Prefix.Length);
            // Prefixes every position may see need no mask beyond the causal one.
            if (prefixes.Any(p => !p.Prefix.VisibleToText)) mask = PrefixAwareCausalMask(hidden.shape[1], embeddings.device);
        }
        int length = (int)hidden.shape[1];
        var (cos, sin) = _rotary.Tables(length, _options.MaxSequenceLength + _prefixes.Sum(p => p.Prefix.Length), hidden.device, hidden.dtype);
        Tensor output = model.call(new AttentionInput(hidden, cos, sin, mask));
        return prefixLength > 0 ? output.narrow(1, prefixLength, length - prefixLength) : output;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _rotary.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>
    /// Causal mask (<c>N x N</c>, <c>true</c> = may attend) in which positions after the prefix do not see the
    /// prefixes that are hidden from text (<see cref="ISequencePrefix.VisibleToText"/> false).
    /// </summary>
    public Tensor PrefixAwareCausalMask(long length, Device device)
    {
        using var scope = NewDisposeScope();
        Tensor mask = ones(length, length, dtype: ScalarType.Bool, device: device).tril();
        int start = 0;
        var prefixes = ActivePrefixes();
        int prefixLength = prefixes.Sum(p => p.Prefix.Length);
        foreach (var (_, prefix) in prefixes)
        {
            if (!prefix.VisibleToText)
                mask[TensorIndex.Slice(prefixLength), TensorIndex.Slice(start, start + prefix.Length)] = false;
            start += prefix.Length;
        }
        return mask.MoveToOuterDisposeScope();
    }
}
