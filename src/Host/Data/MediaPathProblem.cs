namespace Pipeline.Host.Data;

/// <summary>Why a media path cannot be decoded, found before the file is opened (<see cref="MediaPathInspector"/>).</summary>
/// <param name="Reason">The kind of problem: <see cref="SampleProblemReason.MissingMedia"/>, <see cref="SampleProblemReason.UnreadableMedia"/>, <see cref="SampleProblemReason.MediaTooLarge"/>, or <see cref="SampleProblemReason.CorruptMedia"/> for an empty file.</param>
/// <param name="Detail">What is wrong, naming the path: <c>image file '/d/a.png' is a directory, not a file</c>.</param>
public sealed record MediaPathProblem(SampleProblemReason Reason, string Detail);
