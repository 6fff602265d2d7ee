namespace Pipeline.Host.Checkpoints;

/// <summary>One file of a checkpoint directory, already serialized.</summary>
/// <param name="Name">The file name inside the checkpoint directory.</param>
/// <param name="Content">The bytes to write.</param>
public sealed record CheckpointFile(string Name, ByteChunks Content);
