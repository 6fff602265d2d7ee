using Pipeline.Host.Data;

namespace Pipeline.Host.Pipelines;

/// <summary>
/// Where one split's tokenised samples go while the data is checked: a <see cref="TokenizedSampleFile"/> for a split
/// read from a conversation file (so memory does not grow with the split), a list for generated samples, whose media
/// live in memory anyway.
/// </summary>
public sealed class SplitStore
{
    private readonly List<TokenizedSample>? _list;
    private readonly TokenizedSampleFile? _file;

    private SplitStore(List<TokenizedSample>? list, TokenizedSampleFile? file) => (_list, _file) = (list, file);

    /// <summary>A store for <paramref name="source"/>'s samples.</summary>
    /// <param name="source">The split's source.</param>
    /// <param name="reader">Reads media files when a stored sample's media are decoded.</param>
    public static SplitStore For(SplitSource source, DataFileReader? reader = null) => source.File is null
        ? new SplitStore([], null)
        : new SplitStore(null, new TokenizedSampleFile(source.File, reader ?? DataFileReader.Default));

    /// <summary>Stores <paramref name="sample"/> after those already stored.</summary>
    public void Add(TokenizedSample sample)
    {
        if (_file is not null) _file.Add(sample);
        else _list!.Add(sample);
    }

    /// <summary>The stored samples (disposable when they live in a file).</summary>
    public IReadOnlyList<TokenizedSample> Samples => (IReadOnlyList<TokenizedSample>?)_file ?? _list!;
}
