namespace Pipeline.Contracts.Encoders;

/// <summary>How an encoder's <see cref="IEncoder.Collate"/> will shorten one media item to its fixed input length.</summary>
/// <param name="Seconds">How long the item is, in seconds.</param>
/// <param name="KeptSeconds">How much of it the encoder keeps (its clip length), in seconds; less than <paramref name="Seconds"/>.</param>
public sealed record MediaCut(double Seconds, double KeptSeconds);
