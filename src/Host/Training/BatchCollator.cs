using Pipeline.Contracts.Media;
using Pipeline.Host.Data;
using Pipeline.Host.Data.Templates;
using Pipeline.Host.Modules.Multimodal;
using static TorchSharp.torch;

namespace Pipeline.Host.Training;

/// <summary>
/// Turns samples into a <see cref="ModelBatch"/>: the conversation tokenized through its template (by default
/// <c>plain</c>: <c>&lt;bos&gt;</c>, each turn's tokens, <c>&lt;eos&gt;</c> after every answer), each placeholder
/// expanded to its encoder's token count. Only answer tokens and their end-of-turn markers are supervised.
/// </summary>
public sealed class BatchCollator
{
    /// <summary>The label of positions that are not supervised.</summary>
    public const long IgnoredLabel = -100;

    private readonly ITextTokenizer _tokenizer;
    private readonly MultimodalModel _model;
    private readonly int _maxLength;
    private readonly ConversationTokenizer _conversations;

    /// <param name="tokenizer">The text tokenizer.</param>
    /// <param name="model">The model, for its encoders' token counts.</param>
    /// <param name="maxLength">The longest sample, in tokens.</param>
    /// <param name="conversations">The conversation template over <paramref name="tokenizer"/>; <c>plain</c> when omitted.</param>
    public BatchCollator(ITextTokenizer tokenizer, MultimodalModel model, int maxLength, ConversationTokenizer? conversations = null)
    {
        _tokenizer = tokenizer;
        _model = model;
        _maxLength = maxLength;
        _conversations = conversations ?? new ConversationTokenizer(tokenizer, new PlainTemplate());
    }

    /// <summary>The longest sample, in tokens (media tokens included).</summary>
    public int MaxLength => _maxLength;

    /// <summary>Tokens and per-token supervision of one sample, before padding.</summary>
    /// <exception cref="InvalidDataException">The sample is longer than <see cref="MaxLength"/>, or its placeholders do not fit its media.</exception>
    public (List<long> Ids, List<bool> Supervised) Tokenize(Sample sample)
    {
        var (ids, supervised) = TokenizeAnyLength(sample);
        if (ids.Count > _maxLength)
            throw new InvalidDataException($"sample '{sample.Id}': {TooLong(ids.Count)}");
        return (ids, supervised);
    }

    /// <summary>What is wrong with a sample of <paramref name="tokenCount"/> tokens when that exceeds <see cref="MaxLength"/>.</summary>
    public string TooLong(int tokenCount) =>
        $"{tokenCount} tokens (media tokens included) exceed model.llm.max_sequence_length {_maxLength}";

    /// <summary>Like <see cref="Tokenize"/>, without the length check.</summary>
    public (List<long> Ids, List<bool> Supervised) TokenizeAnyLength(Sample sample)
    {
        var conversation = _conversations.Tokenize(sample.Turns);
        var ids = new List<long>(conversation.Ids.Length);
        var supervised = new List<bool>(conversation.Ids.Length);
        for (int i = 0; i < conversation.Ids.Length; i++)
        {
            int repeat = PlaceholderRepeat(conversation.Ids[i], sample);
            for (int r = 0; r < repeat; r++) { ids.Add(conversation.Ids[i]); supervised.Add(conversation.Supervised[i]); }
        }
        return (ids, supervised);
    }

    /// <summary>Collates <paramref name="samples"/> onto <paramref name="device"/>.</summary>
    public ModelBatch Collate(IReadOnlyList<Sample> samples, Device device)
    {
        var rows = samples.Select(Tokenize).ToList();
        int length = rows.Max(r => r.Ids.Count);
        var ids = new long[samples.Count * length];
        var labels = new long[samples.Count * length];
        var mask = new bool[samples.Count * length];
        Array.Fill(ids, _tokenizer.PadId);
        Array.Fill(labels, IgnoredLabel);
        for (int b = 0; b < rows.Count; b++)
        {
            var (rowIds, supervised) = rows[b];
            for (int t = 0; t < rowIds.Count; t++)
            {
                ids[b * length + t] = rowIds[t];
                mask[b * length + t] = true;
                // The logit at t predicts token t + 1.
                if (t + 1 < rowIds.Count && supervised[t + 1]) labels[b * length + t] = rowIds[t + 1];
            }
        }
        var media = new Dictionary<string, (Tensor, int)>();
        foreach (var group in samples.Where(s => s.Media is not null).GroupBy(s => s.Media!.Modality))
        {
            var (_, encoder) = _model.EncoderFor(group.Key)
                ?? throw new InvalidDataException($"sample '{group.First().Id}' has {group.Key} media but the model has no {group.Key} encoder");
            media[group.Key] = (encoder.Collate(group.Select(s => s.Media!).ToList(), device), _tokenizer.PlaceholderId(group.Key));
        }
        return new ModelBatch
        {
            InputIds = tensor(ids, [samples.Count, length], device: device),
            Labels = tensor(labels, [samples.Count, length], device: device),
            TokenMask = tensor(mask, [samples.Count, length], device: device),
            HasMedia = tensor(samples.Select(s => s.Media is not null).ToArray(), device: device),
            Media = media,
            Categories = samples.Select(s => s.Category).ToList(),
        };
    }

    private int PlaceholderRepeat(int id, Sample sample)
    {
        foreach (string modality in new[] { "image", "audio" })
        {
            if (id != _tokenizer.PlaceholderId(modality)) continue;
            if (sample.Media is not MediaItem item || item.Modality != modality)
                throw new InvalidDataException($"sample '{sample.Id}': its text has a <{modality}> placeholder but it has no {modality}");
            var encoder = _model.EncoderFor(modality)
                ?? throw new InvalidDataException($"sample '{sample.Id}' has {modality} media but the model has no {modality} encoder");
            return encoder.Encoder.TokenCount;
        }
        return 1;
    }
}
