using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Media;
using Pipeline.Host.Data;
using Pipeline.Host.Modules.Multimodal;
using Pipeline.Host.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Host.Training;

/// <summary>
/// Checks samples against the model they will train, before training starts: the model has an encoder for the
/// sample's media, the placeholders expand, the tokens (media tokens included) fit
/// <c>model.llm.max_sequence_length</c>, and the encoder accepts the media (its <see cref="Pipeline.Contracts.Encoders.IEncoder.Collate"/>
/// throws <see cref="InvalidDataException"/> for media it cannot take, such as a wrong sample rate). Media are
/// collated one sample at a time on the CPU and freed at once. Media of samples that pass go to a
/// <see cref="MediaChangeTally"/>, with the cut an encoder that implements <see cref="IMediaLengthLimit"/> will make.
/// </summary>
public sealed class SampleChecker(BatchCollator collator, MultimodalModel model)
{
    /// <summary>Samples checked inside one finalizer fence and dispose scope.</summary>
    private const int ChunkSize = 64;

    /// <summary>
    /// Splits <paramref name="samples"/> into those that pass and one problem for each that does not, keeping order;
    /// the media of those that pass are added to <paramref name="mediaChanges"/> when given.
    /// </summary>
    /// <exception cref="PluginFailureException">An encoder's collate threw something other than <see cref="InvalidDataException"/>.</exception>
    public (IReadOnlyList<Sample> Passed, IReadOnlyList<SampleProblem> Problems) Check(IReadOnlyList<Sample> samples, MediaChangeTally? mediaChanges = null)
    {
        var passed = new List<Sample>(samples.Count);
        var problems = new List<SampleProblem>();
        foreach (var chunk in samples.Chunk(ChunkSize))
        {
            FinalizerFence.Run(() =>
            {
                using var scope = NewDisposeScope();
                foreach (var sample in chunk)
                {
                    if (ProblemOf(sample, mediaChanges) is { } problem) problems.Add(problem);
                    else passed.Add(sample);
                }
                return 0;
            });
        }
        return (passed, problems);
    }

    private SampleProblem? ProblemOf(Sample sample, MediaChangeTally? mediaChanges)
    {
        SampleProblem Problem(SampleProblemReason reason, string detail) => new(reason, sample.Id, sample.Location, detail);

        MediaItem? media = sample.Media;
        var encoder = media is null ? null : model.EncoderFor(media.Modality);
        if (media is not null && encoder is null)
            return Problem(SampleProblemReason.NoEncoder, $"has {media.Modality} media but the model has no {media.Modality} encoder");
        int tokens;
        try
        {
            tokens = collator.TokenizeAnyLength(sample).Ids.Count;
        }
        catch (InvalidDataException error)
        {
            return Problem(SampleProblemReason.PlaceholderMismatch, error.Message);
        }
        if (tokens > collator.MaxLength) return Problem(SampleProblemReason.TooLong, collator.TooLong(tokens));
        if (media is null) return null;

        var (name, component) = encoder!.Value;
        MediaCut? cut;
        try
        {
            component.Collate([media], CPU).Dispose();
            cut = (component as IMediaLengthLimit)?.CutOf(media);
        }
        catch (InvalidDataException error)
        {
            return Problem(SampleProblemReason.MediaRejected, error.Message);
        }
        catch (Exception error)
        {
            throw new PluginFailureException("encoder", model.PluginOrigins.EncoderPlugin(name), "while collating media", error);
        }
        mediaChanges?.Add(sample.Id, media, cut);
        return null;
    }
}
