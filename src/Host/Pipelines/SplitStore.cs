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
    /// <param name="definition">The pipeline; <c>data.cache_dir</c> says where sample files go.</param>
    /// <exception cref="IOException">The sample file cannot be created (the message names <c>data.cache_dir</c>'s folder).</exception>
    public static SplitStore For(SplitSource source, PipelineDefinition definition)
    {
        if (source.File is null) return new SplitStore([], null);
        string cacheDir = definition.Config.Data.CacheDir;
        string? directory = string.IsNullOrEmpty(cacheDir) ? null : definition.Resolve(cacheDir);
        try
        {
            if (directory is not null) Directory.CreateDirectory(directory);
            return new SplitStore(null, new TokenizedSampleFile(source.File, DataFileReader.Default, directory));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot create the sample file for split '{source.Split}' in " +
                $"'{directory ?? Path.GetTempPath()}' (data.cache_dir): {error.Message}", error);
        }
    }

    /// <summary>Stores <paramref name="sample"/> after those already stored.</summary>
    public void Add(TokenizedSample sample)
    {
        if (_file is not null) _file.Add(sample);
        else _list!.Add(sample);
    }

    /// <summary>The stored samples (disposable when they live in a file).</summary>
    public IReadOnlyList<TokenizedSample> Samples => (IReadOnlyList<TokenizedSample>?)_file ?? _list!;
}
