namespace Pipeline.Host.Cli;

/// <summary>One row of <see cref="WeightBytesTable"/>: a part of the model and its bytes in each stage, in stage order.</summary>
public sealed record WeightBytesRow(string Label, IReadOnlyList<WeightBytesCell> ByStage);
