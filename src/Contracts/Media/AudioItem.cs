namespace Pipeline.Contracts.Media;

/// <summary>A decoded mono waveform: samples in [-1, 1] at <paramref name="SampleRate"/> Hz.</summary>
public sealed record AudioItem(string SourceId, float[] Samples, int SampleRate) : MediaItem(SourceId)
{
    /// <inheritdoc />
    public override string Modality => "audio";
}
