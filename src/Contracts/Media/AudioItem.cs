namespace Pipeline.Contracts.Media;

/// <summary>A decoded mono waveform: samples in [-1, 1] at <paramref name="SampleRate"/> Hz.</summary>
public sealed record AudioItem(string SourceId, float[] Samples, int SampleRate) : MediaItem(SourceId)
{
    /// <inheritdoc />
    public override string Modality => "audio";

    /// <summary>
    /// How many channels the source had. Sources with more than one channel are averaged to mono when decoded
    /// (each sample is the mean of its channels), and the host reports how many there were. Default 1. Added in contracts 1.3.
    /// </summary>
    public int SourceChannels { get; init; } = 1;
}
