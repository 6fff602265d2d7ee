using Pipeline.Contracts.Media;
using Pipeline.Host.Data;
using Pipeline.Host.Modules.Multimodal;
using static TorchSharp.torch;

namespace Pipeline.Host.Training;

/// <summary>
/// Turns tokenised samples (<see cref="SampleTokenizer"/>) into a <see cref="ModelBatch"/> in two steps.
/// <see cref="Prepare"/> (per batch, on any thread, without TorchSharp): each placeholder expanded to its encoder's
/// token count, rows padded, labels shifted, media decoded. <see cref="ToModelBatch"/> (on the training thread):
/// tensors, and each encoder's <c>Collate</c> of its media.
/// </summary>
public sealed class BatchCollator
{
    /// <summary>The label of positions that are not supervised.</summary>
    public const long IgnoredLabel = -100;

    private readonly ITextTokenizer _tokenizer;
    private readonly MultimodalModel _model;
    private readonly int _maxLength;
    private readonly Dictionary<int, (string Modality, int Tokens)> _placeholders = [];

    public BatchCollator(ITextTokenizer tokenizer, MultimodalModel model, int maxLength)
    {
        _tokenizer = tokenizer;
        _model = model;
        _maxLength = maxLength;
        foreach (string modality in MediaPlaceholders.Modalities)
            _placeholders[tokenizer.PlaceholderId(modality)] = (modality, model.EncoderFor(modality)?.Encoder.TokenCount ?? 0);
    }

    /// <summary>The longest sample, in tokens (media tokens included).</summary>
    public int MaxLength => _maxLength;

    /// <summary>What is wrong with a sample of <paramref name="tokenCount"/> tokens when that exceeds <see cref="MaxLength"/>.</summary>
    public string TooLong(int tokenCount) =>
        $"{tokenCount} tokens (media tokens included) exceed model.llm.max_sequence_length {_maxLength}";

    /// <summary>
    /// The sample's length once every placeholder is expanded to its encoder's token count, or what is wrong with its
    /// placeholders (a placeholder without the matching media, or media the model has no encoder for).
    /// </summary>
    public (int Length, string? Problem) ExpandedLength(TokenizedSample sample)
    {
        int length = 0;
        foreach (int id in sample.Ids)
        {
            var (repeat, problem) = Repeat(id, sample);
            if (problem is not null) return (0, problem);
            length += repeat;
        }
        return (length, null);
    }

    /// <summary>
    /// Pads, labels and decodes one batch without TorchSharp; safe on a background thread.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// A sample is longer than <see cref="MaxLength"/>, its placeholders do not fit its media, or its media no longer
    /// decode; the message names the sample and where it was read from.
    /// </exception>
    public PreparedBatch Prepare(IReadOnlyList<TokenizedSample> samples)
    {
        var rows = new List<(List<long> Ids, List<bool> Supervised)>(samples.Count);
        foreach (var sample in samples)
        {
            var ids = new List<long>(sample.Ids.Length);
            var supervised = new List<bool>(sample.Ids.Length);
            for (int t = 0; t < sample.Ids.Length; t++)
            {
                var (repeat, problem) = Repeat(sample.Ids[t], sample);
                if (problem is not null) throw new InvalidDataException($"{sample.Describe()}: {problem}");
                for (int r = 0; r < repeat; r++) { ids.Add(sample.Ids[t]); supervised.Add(sample.Supervised[t]); }
            }
            if (ids.Count > _maxLength) throw new InvalidDataException($"{sample.Describe()}: {TooLong(ids.Count)}");
            rows.Add((ids, supervised));
        }
        int length = rows.Max(r => r.Ids.Count);
        var allIds = new long[samples.Count * length];
        var labels = new long[samples.Count * length];
        var mask = new bool[samples.Count * length];
        Array.Fill(allIds, _tokenizer.PadId);
        Array.Fill(labels, IgnoredLabel);
        for (int b = 0; b < rows.Count; b++)
        {
            var (rowIds, supervised) = rows[b];
            for (int t = 0; t < rowIds.Count; t++)
            {
                allIds[b * length + t] = rowIds[t];
                mask[b * length + t] = true;
                // The logit at t predicts token t + 1.
                if (t + 1 < rowIds.Count && supervised[t + 1]) labels[b * length + t] = rowIds[t + 1];
            }
        }
        var media = new Dictionary<string, IReadOnlyList<MediaItem>>();
        foreach (var group in samples.Where(s => s.Media is not null).GroupBy(s => s.Media!.Modality))
            media[group.Key] = group.Select(Decode).ToList();
        return new PreparedBatch(samples, length, allIds, labels, mask, media);
    }

    /// <summary>Turns a prepared batch into tensors on <paramref name="device"/>; each encoder collates its media.</summary>
    public ModelBatch ToModelBatch(PreparedBatch batch, Device device)
    {
        int rows = batch.Samples.Count;
        var media = new Dictionary<string, (Tensor, int, long)>();
        try
        {
            foreach (var (modality, items) in batch.Media)
            {
                var (_, encoder) = _model.EncoderFor(modality)
                    ?? throw new InvalidDataException($"a sample has {modality} media but the model has no {modality} encoder");
                int placeholderId = _tokenizer.PlaceholderId(modality);
                media[modality] = (encoder.Collate(items, device), placeholderId, batch.Positions(placeholderId));
            }
            return new ModelBatch
            {
                InputIds = tensor(batch.Ids, [rows, batch.Length], device: device),
                Labels = tensor(batch.Labels, [rows, batch.Length], device: device),
                TokenMask = tensor(batch.Mask, [rows, batch.Length], device: device),
                HasMedia = tensor(batch.Samples.Select(s => s.Media is not null).ToArray(), device: device),
                Media = media,
                Categories = batch.Samples.Select(s => s.Category).ToList(),
            };
        }
        catch
        {
            foreach (var (tensor, _, _) in media.Values) tensor.Dispose();
            throw;
        }
    }

    /// <summary>Prepares and converts <paramref name="samples"/> in one go, on the calling thread.</summary>
    public ModelBatch Collate(IReadOnlyList<TokenizedSample> samples, Device device) => ToModelBatch(Prepare(samples), device);

    private static MediaItem Decode(TokenizedSample sample)
    {
        try
        {
            return sample.Media!.Load();
        }
        catch (Exception error) when (error is InvalidDataException or IOException)
        {
            throw new InvalidDataException($"{sample.Describe()}: {error.Message}", error);
        }
    }

    /// <summary>How many positions token <paramref name="id"/> takes: 1, or its encoder's token count for a placeholder.</summary>
    private (int Repeat, string? Problem) Repeat(int id, TokenizedSample sample)
    {
        if (!_placeholders.TryGetValue(id, out var placeholder)) return (1, null);
        if (sample.Media is not { } media || media.Modality != placeholder.Modality)
            return (0, $"its text has a <{placeholder.Modality}> placeholder but it has no {placeholder.Modality}");
        if (placeholder.Tokens == 0)
            return (0, $"has {placeholder.Modality} media but the model has no {placeholder.Modality} encoder");
        return (placeholder.Tokens, null);
    }
}
