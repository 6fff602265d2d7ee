namespace Pipeline.Host.Safetensors;

/// <summary>One tensor's header record: its type, shape and byte range within the data section.</summary>
/// <param name="Name">The tensor name (a state-dict key).</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The shape; empty for a scalar.</param>
/// <param name="Begin">Start offset in the data section (after the header), in bytes.</param>
/// <param name="End">End offset (exclusive) in the data section, in bytes.</param>
public sealed record SafetensorsEntry(string Name, SafetensorsDType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Number of elements (1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Size of the data in bytes.</summary>
    public long ByteLength => End - Begin;
}
