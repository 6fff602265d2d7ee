using System.Collections;
using Microsoft.Win32.SafeHandles;

namespace Pipeline.Host.Data;

/// <summary>
/// The tokenised samples of one split, kept in a temporary file rather than in memory: a LLaVA-scale split costs
/// eight bytes of memory per sample (its offset in the file), and any sample is read back by index, from any thread.
/// Samples are appended once (<see cref="Add"/>) while the data is checked, then only read. Media are stored as file
/// references (<see cref="MediaFile"/>). On Linux and macOS the file's name is removed as soon as it is opened (the open
/// handle keeps its data), so nothing is left behind even when the process is killed; elsewhere it is deleted when the
/// store is disposed.
/// </summary>
public sealed class TokenizedSampleFile : IReadOnlyList<TokenizedSample>, IDisposable
{
    private const uint SupervisedBit = 0x8000_0000;

    private readonly SafeFileHandle _file;
    private readonly string? _dataFile;
    private readonly DataFileReader _reader;
    private readonly List<long> _ends = [];
    private readonly MemoryStream _record = new();
    private long _length;

    /// <param name="dataFile">The conversation file every sample comes from (their <see cref="SampleLocation.File"/>), or <c>null</c>.</param>
    /// <param name="reader">Reads the samples' media files when they are decoded.</param>
    /// <param name="directory">Where the temporary file goes; the system's temporary folder when <c>null</c>.</param>
    public TokenizedSampleFile(string? dataFile, DataFileReader reader, string? directory = null)
    {
        _dataFile = dataFile;
        _reader = reader;
        string path = Path.Combine(directory ?? Path.GetTempPath(), $"pipeline-samples-{Guid.NewGuid():N}.bin");
        _file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        // An unlinked file lives as long as its handle: a killed run leaves no multi-gigabyte files behind.
        if (!OperatingSystem.IsWindows()) File.Delete(path);
    }

    /// <summary>Samples stored so far.</summary>
    public int Count => _ends.Count;

    /// <summary>Appends <paramref name="sample"/>; its media must be a <see cref="MediaFile"/> (or none) and its location in this store's data file.</summary>
    /// <exception cref="ArgumentException">The sample's media or location cannot be stored here.</exception>
    public void Add(TokenizedSample sample)
    {
        if (sample.Location is { } at && at.File != _dataFile)
            throw new ArgumentException($"sample '{sample.Id}' comes from '{at.File}', not from '{_dataFile}'", nameof(sample));
        if (sample.Supervised.Length != sample.Ids.Length || sample.Ids.Any(id => id < 0))
            throw new ArgumentException($"sample '{sample.Id}': needs one supervision flag per token and non-negative token ids", nameof(sample));
        _record.SetLength(0);
        using (var writer = new BinaryWriter(_record, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(sample.Id);
            writer.Write(sample.Category);
            writer.Write(sample.Location?.Index ?? -1);
            writer.Write(sample.Location?.Line ?? -1);
            switch (sample.Media)
            {
                case null:
                    writer.Write((byte)0);
                    break;
                case MediaFile file:
                    writer.Write((byte)1);
                    writer.Write(file.Modality);
                    writer.Write(file.Path);
                    writer.Write(file.SourceId);
                    break;
                default:
                    throw new ArgumentException($"sample '{sample.Id}': only media files can be stored, not {sample.Media.GetType().Name}", nameof(sample));
            }
            writer.Write(sample.Ids.Length);
            for (int i = 0; i < sample.Ids.Length; i++)
                writer.Write((uint)sample.Ids[i] | (sample.Supervised[i] ? SupervisedBit : 0));
        }
        RandomAccess.Write(_file, _record.GetBuffer().AsSpan(0, (int)_record.Length), _length);
        _length += _record.Length;
        _ends.Add(_length);
    }

    /// <summary>The sample at <paramref name="index"/>, read from disk.</summary>
    public TokenizedSample this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            long start = index == 0 ? 0 : _ends[index - 1];
            var bytes = new byte[_ends[index] - start];
            if (RandomAccess.Read(_file, bytes, start) != bytes.Length)
                throw new IOException($"the sample cache ended early while reading sample {index}");
            using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
            string id = reader.ReadString();
            string category = reader.ReadString();
            int itemIndex = reader.ReadInt32(), line = reader.ReadInt32();
            MediaSource? media = reader.ReadByte() == 1
                ? new MediaFile(reader.ReadString(), reader.ReadString(), reader.ReadString(), _reader)
                : null;
            int count = reader.ReadInt32();
            var ids = new int[count];
            var supervised = new bool[count];
            for (int i = 0; i < count; i++)
            {
                uint value = reader.ReadUInt32();
                ids[i] = (int)(value & ~SupervisedBit);
                supervised[i] = (value & SupervisedBit) != 0;
            }
            var location = itemIndex < 0 || _dataFile is null ? null : new SampleLocation(_dataFile, itemIndex, line);
            return new TokenizedSample(id, category, location, media, ids, supervised);
        }
    }

    public IEnumerator<TokenizedSample> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        _file.Dispose();
        _record.Dispose();
    }
}
