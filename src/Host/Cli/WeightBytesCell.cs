namespace Pipeline.Host.Cli;

/// <summary>What one part's weights take during one stage: bytes, and the types they are stored in (<c>float32</c>, <c>bfloat16+float32</c>).</summary>
public sealed record WeightBytesCell(long Bytes, string Dtypes);
