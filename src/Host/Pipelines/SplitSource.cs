using Pipeline.Host.Data;

namespace Pipeline.Host.Pipelines;

/// <summary>
/// Where one split's samples come from, readable as many times as needed: a conversation file streamed again on each
/// <see cref="Read"/>, or samples already in memory (the synthetic set).
/// </summary>
/// <param name="Split"><c>pretrain</c>, <c>train</c> or <c>eval</c>.</param>
/// <param name="File">The conversation file, or <c>null</c> for samples in memory (or none).</param>
/// <param name="Read">Streams every item, well formed or not, in order.</param>
public sealed record SplitSource(string Split, string? File, Func<IEnumerable<SampleRead>> Read)
{
    /// <summary>A split that is not configured.</summary>
    public static SplitSource Empty(string split) => new(split, null, () => []);

    /// <summary>A split of samples held in memory.</summary>
    public static SplitSource InMemory(string split, IReadOnlyList<Sample> samples) =>
        new(split, null, () => samples.Select(s => new SampleRead(s, null)));

    /// <summary>The well-formed samples, in order (items that are not are left out: reading reports them).</summary>
    public IEnumerable<Sample> Samples() => Read().Where(r => r.Sample is not null).Select(r => r.Sample!);
}
