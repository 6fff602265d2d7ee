namespace Pipeline.Host.Training;

/// <summary>The media of one modality in one split that the encoder cuts to its input length (<see cref="Pipeline.Contracts.Encoders.IMediaLengthLimit"/>).</summary>
/// <param name="Modality"><c>audio</c>, say.</param>
/// <param name="Items">How many samples of the split have media of this modality.</param>
/// <param name="Cut">How many of them are longer than the encoder keeps; at least 1.</param>
/// <param name="KeptSeconds">What the encoder keeps (its clip length), in seconds.</param>
/// <param name="LongestSampleId">The sample with the longest cut media.</param>
/// <param name="LongestSeconds">How long that sample's media is, in seconds.</param>
public sealed record MediaCutSummary(string Modality, int Items, int Cut, double KeptSeconds, string LongestSampleId, double LongestSeconds);
