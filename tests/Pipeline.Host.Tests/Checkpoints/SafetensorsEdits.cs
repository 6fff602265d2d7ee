using System.Text;
using Pipeline.Host.Safetensors;

namespace Pipeline.Host.Tests.Checkpoints;

/// <summary>Damages a safetensors file in place the way a faulty disk or a hostile hand would, without any tensor math.</summary>
public static class SafetensorsEdits
{
    /// <summary>The tensor names of a file, in key order.</summary>
    public static List<string> Names(string path)
    {
        using var file = SafetensorsFile.Open(path);
        return file.Entries.Keys.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Overwrites F32 elements of tensor <paramref name="name"/>: element index to its new value.</summary>
    public static void SetF32(string path, string name, params (int Index, float Value)[] values)
    {
        long start;
        using (var file = SafetensorsFile.Open(path)) start = DataStart(path) + file.Entries[name].Begin;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        foreach (var (index, value) in values)
        {
            stream.Position = start + 4L * index;
            stream.Write(BitConverter.GetBytes(value));
        }
    }

    /// <summary>Renames the dtype of tensor <paramref name="name"/> in the header (F32 to I32: same size, so the file stays valid).</summary>
    public static void SetDType(string path, string name, string from, string to)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = (int)BitConverter.ToInt64(bytes, 0);
        string header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        string entry = $"\"{name}\":{{\"dtype\":\"{from}\"";
        header.Should().Contain(entry);
        byte[] changed = Encoding.UTF8.GetBytes(header.Replace(entry, $"\"{name}\":{{\"dtype\":\"{to}\""));
        changed.Length.Should().Be(headerLength);
        changed.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>The tensor whose data ends last, its end in the data section, and the data section's length.</summary>
    public static (string Name, long End, long DataLength) Last(string path)
    {
        using var file = SafetensorsFile.Open(path);
        var last = file.Entries.Values.MaxBy(e => e.End)!;
        return (last.Name, last.End, new FileInfo(path).Length - DataStart(path));
    }

    private static long DataStart(string path)
    {
        using var stream = File.OpenRead(path);
        var length = new byte[8];
        stream.ReadExactly(length);
        return 8 + BitConverter.ToInt64(length);
    }
}
