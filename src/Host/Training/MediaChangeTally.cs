using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Media;

namespace Pipeline.Host.Training;

/// <summary>
/// Counts, for one split, how media are changed on their way to the encoders, so that nothing is changed silently:
/// media an encoder cuts to its input length (per modality: how many, and the longest) and audio averaged to mono
/// from several channels. <see cref="SampleChecker"/> feeds it every sample that passes; the data report prints it.
/// </summary>
public sealed class MediaChangeTally
{
    private readonly Dictionary<string, Modality> _modalities = new(StringComparer.Ordinal);

    private readonly HashSet<string> _averagedFiles = new(StringComparer.Ordinal);
    private int _averagedInMemory;

    /// <summary>
    /// How many audio files (each counted once, however many samples share it) or in-memory items had more than one
    /// channel and were averaged to mono (<see cref="AudioItem.SourceChannels"/>).
    /// </summary>
    public int AveragedToMono => _averagedFiles.Count + _averagedInMemory;

    /// <summary>The files behind <see cref="AveragedToMono"/>, for counting a file once over several splits.</summary>
    public IReadOnlyCollection<string> AveragedFiles => _averagedFiles;

    /// <summary>The in-memory items behind <see cref="AveragedToMono"/>.</summary>
    public int AveragedInMemory => _averagedInMemory;

    /// <summary>Per modality with at least one cut item, in the order modalities were first seen.</summary>
    public IReadOnlyList<MediaCutSummary> Cuts =>
        _modalities.Where(m => m.Value.Cut > 0)
            .Select(m => new MediaCutSummary(m.Key, m.Value.Items, m.Value.Cut, m.Value.KeptSeconds, m.Value.LongestSampleId!, m.Value.LongestSeconds))
            .ToList();

    /// <summary>Records the media of sample <paramref name="sampleId"/> and the cut its encoder will make (<c>null</c>: none).</summary>
    public void Add(string sampleId, MediaItem media, MediaCut? cut) => Add(sampleId, MediaFacts.Of(media, cut));

    /// <summary>Records what is known of sample <paramref name="sampleId"/>'s media (several samples may share one file).</summary>
    public void Add(string sampleId, MediaFacts media)
    {
        var cut = media.Cut;
        if (media.SourceChannels > 1)
        {
            if (media.File is { } file) _averagedFiles.Add(file);
            else _averagedInMemory++;
        }
        if (!_modalities.TryGetValue(media.Modality, out var modality)) _modalities[media.Modality] = modality = new Modality();
        modality.Items++;
        if (cut is null) return;
        modality.Cut++;
        modality.KeptSeconds = cut.KeptSeconds;
        // The first of equally long items stays the longest, so the report follows file order.
        if (modality.LongestSampleId is null || cut.Seconds > modality.LongestSeconds)
            (modality.LongestSampleId, modality.LongestSeconds) = (sampleId, cut.Seconds);
    }

    private sealed class Modality
    {
        public int Items, Cut;
        public double KeptSeconds, LongestSeconds;
        public string? LongestSampleId;
    }
}
