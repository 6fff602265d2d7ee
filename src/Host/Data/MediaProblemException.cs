namespace Pipeline.Host.Data;

/// <summary>
/// A media file that cannot be used, with the kind of problem the data check reports for its samples. It is an
/// <see cref="IOException"/>, so code that stops on unreadable media stops on it too.
/// </summary>
/// <param name="reason">The kind of problem (<see cref="SampleProblemReason.MissingMedia"/>, <see cref="SampleProblemReason.UnreadableMedia"/>, <see cref="SampleProblemReason.MediaTooLarge"/>, ...).</param>
/// <param name="message">What is wrong, naming the file.</param>
public sealed class MediaProblemException(SampleProblemReason reason, string message) : IOException(message)
{
    /// <summary>The kind of problem.</summary>
    public SampleProblemReason Reason { get; } = reason;
}
