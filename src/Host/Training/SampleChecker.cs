using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Media;
using Pipeline.Contracts.Runtime;
using Pipeline.Host.Data;
using Pipeline.Host.Modules.Multimodal;
using Pipeline.Host.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Host.Training;

/// <summary>
/// Checks samples against the model they will train, before training starts, and tokenises the ones that pass (the
/// only time a sample is tokenised): the model has an encoder for the sample's media, the placeholders expand, the
/// tokens (media tokens included) fit <c>model.llm.max_sequence_length</c>, the media decode, and the encoder accepts
/// them (its <see cref="Pipeline.Contracts.Encoders.IEncoder.Collate"/> throws <see cref="InvalidDataException"/> for
/// media it cannot take, such as a wrong sample rate). Samples stream through in chunks; a media file shared by many
/// samples is decoded and collated once, and its verdict remembered. Media of samples that pass go to a
/// <see cref="MediaChangeTally"/>, with the cut an encoder that implements <see cref="IMediaLengthLimit"/> will make.
/// </summary>
public sealed class SampleChecker(SampleTokenizer tokenizer, BatchCollator collator, MultimodalModel model)
{
    /// <summary>Samples whose media are decoded together and then collated inside one finalizer fence and dispose scope.</summary>
    private const int ChunkSize = 64;

    /// <summary>A media file's verdict: the problem that keeps its samples out, or what the report needs to know of it.</summary>
    private sealed record MediaVerdict(SampleProblemReason Reason, string? Detail, MediaFacts? Facts);

    private readonly Dictionary<string, MediaVerdict> _mediaVerdicts = new(StringComparer.Ordinal);

    /// <summary>Distinct media files decoded so far (a file shared by many samples counts once).</summary>
    public int MediaFilesDecoded { get; private set; }

    /// <summary>
    /// Checks <paramref name="samples"/> lazily, one result per sample, in order; the media of those that pass are
    /// added to <paramref name="mediaChanges"/> when given.
    /// </summary>
    /// <exception cref="PluginFailureException">An encoder's collate threw something other than <see cref="InvalidDataException"/>.</exception>
    public IEnumerable<SampleCheck> Check(IEnumerable<Sample> samples, MediaChangeTally? mediaChanges = null)
    {
        foreach (var chunk in samples.Chunk(ChunkSize))
        {
            foreach (var result in CheckChunk(chunk, mediaChanges)) yield return result;
        }
    }

    private List<SampleCheck> CheckChunk(Sample[] chunk, MediaChangeTally? mediaChanges)
    {
        var results = new SampleCheck[chunk.Length];
        var tokenized = new TokenizedSample?[chunk.Length];
        // Decoded media of this chunk that still need the encoder's verdict, by sharing key (or by position).
        var pending = new Dictionary<string, (MediaItem Item, string Encoder, string? File)>(StringComparer.Ordinal);
        for (int i = 0; i < chunk.Length; i++)
        {
            var (tokens, problem) = CheckText(chunk[i]);
            if (problem is not null)
            {
                results[i] = new SampleCheck(null, problem);
                continue;
            }
            tokenized[i] = tokens;
            if (chunk[i].Media is not { } media) continue;
            string key = KeyOf(media, i);
            if (_mediaVerdicts.ContainsKey(key) || pending.ContainsKey(key)) continue;
            try
            {
                MediaItem item = media.Load();
                MediaFilesDecoded += media.SharingKey is null ? 0 : 1;
                pending[key] = (item, model.EncoderFor(media.Modality)!.Value.Name, media.SharingKey);
            }
            catch (MediaProblemException error)
            {
                _mediaVerdicts[key] = new MediaVerdict(error.Reason, error.Message, null);
            }
            catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
            {
                // It existed when the data was read: it went away since.
                _mediaVerdicts[key] = new MediaVerdict(SampleProblemReason.MissingMedia,
                    $"{media.Modality} file of '{media.SourceId}' no longer exists ({error.Message})", null);
            }
            catch (InvalidDataException error)
            {
                _mediaVerdicts[key] = new MediaVerdict(SampleProblemReason.CorruptMedia, error.Message, null);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                _mediaVerdicts[key] = new MediaVerdict(SampleProblemReason.UnreadableMedia, error.Message, null);
            }
        }
        // Collating runs the encoders' tensor code before any training step (the vision encoder normalises with a - b,
        // whose alpha Scalar only the collector holds): the check's collations run in one fence per chunk.
        if (pending.Count > 0) FinalizerFence.Run(() => CollateEach(pending));
        for (int i = 0; i < chunk.Length; i++)
        {
            if (tokenized[i] is not { } tokens) continue;
            string? key = chunk[i].Media is { } media ? KeyOf(media, i) : null;
            var verdict = key is null ? null : _mediaVerdicts[key];
            if (key is not null && chunk[i].Media!.SharingKey is null) _mediaVerdicts.Remove(key);
            if (verdict is { Detail: { } detail })
            {
                results[i] = new SampleCheck(null, new SampleProblem(verdict.Reason, chunk[i].Id, chunk[i].Location, detail));
                continue;
            }
            if (verdict?.Facts is { } facts) mediaChanges?.Add(chunk[i].Id, facts);
            results[i] = new SampleCheck(tokens, null);
        }
        return [.. results];
    }

    /// <summary>Everything but the media themselves: an encoder for them, placeholders, length; the tokens when all is well.</summary>
    private (TokenizedSample? Tokens, SampleProblem? Problem) CheckText(Sample sample)
    {
        SampleProblem Problem(SampleProblemReason reason, string detail) => new(reason, sample.Id, sample.Location, detail);

        if (sample.Media is { } media && model.EncoderFor(media.Modality) is null)
            return (null, Problem(SampleProblemReason.NoEncoder, $"has {media.Modality} media but the model has no {media.Modality} encoder"));
        var tokens = tokenizer.Tokenize(sample);
        var (length, placeholderProblem) = collator.ExpandedLength(tokens);
        if (placeholderProblem is not null) return (null, Problem(SampleProblemReason.PlaceholderMismatch, placeholderProblem));
        if (length > collator.MaxLength) return (null, Problem(SampleProblemReason.TooLong, collator.TooLong(length)));
        return (tokens, null);
    }

    /// <summary>Runs each encoder's collate on each pending item alone, on the CPU, and records the verdicts.</summary>
    private int CollateEach(Dictionary<string, (MediaItem Item, string Encoder, string? File)> pending)
    {
        using var scope = NewDisposeScope();
        foreach (var (key, (item, name, file)) in pending)
        {
            try
            {
                var encoder = model.Encoders[name];
                encoder.Collate([item], CPU).Dispose();
                _mediaVerdicts[key] = new MediaVerdict(default, null, MediaFacts.Of(item, (encoder as IMediaLengthLimit)?.CutOf(item), file));
            }
            catch (InvalidDataException error)
            {
                _mediaVerdicts[key] = new MediaVerdict(SampleProblemReason.MediaRejected, error.Message, null);
            }
            catch (Exception error)
            {
                throw new PluginFailureException("encoder", model.PluginOrigins.EncoderPlugin(name), "while collating media", error);
            }
        }
        return 0;
    }

    private static string KeyOf(MediaSource media, int position) => media.SharingKey ?? $"\0{position}";
}
