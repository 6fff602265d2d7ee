namespace Pipeline.Host.Reporting;

/// <summary>One point of a TensorBoard scalar curve.</summary>
/// <param name="Tag">The curve's name, <c>train/loss</c> for instance.</param>
/// <param name="Step">The run's global step: the steps of every earlier stage plus the record's step in its stage.</param>
/// <param name="Value">The value, non-finite ones included.</param>
public readonly record struct TensorBoardScalar(string Tag, long Step, double Value);
