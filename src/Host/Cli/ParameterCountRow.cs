namespace Pipeline.Host.Cli;

/// <summary>One row of <c>pipeline params</c>: a part of the model, its parameter count, and what each stage trains of it.</summary>
/// <param name="Label">What the row counts: <c>llm</c>, <c>encoder vision</c>, <c>projector vision</c>, <c>adapter mma</c>, <c>in llm</c> (a share of the adapter above), <c>total</c>.</param>
/// <param name="Total">Scalar parameters in it.</param>
/// <param name="TrainableByStage">Of those, how many each stage trains, in the table's stage order.</param>
/// <param name="IsDetail">Whether the row breaks down the adapter row above it by component (printed indented).</param>
public sealed record ParameterCountRow(string Label, long Total, IReadOnlyList<long> TrainableByStage, bool IsDetail = false);
