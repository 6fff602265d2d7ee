using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Pipeline.Host.Data;

namespace Pipeline.Host.Checkpoints;

/// <summary>
/// What one split held when a checkpoint was written: its sample count and the SHA-256 of its tokenised samples in
/// order (each sample's id, category, media modality and file name as the data names it, token ids and supervision
/// flags). The media files' bytes are not hashed: a picture replaced under the same name is not seen.
/// </summary>
public sealed record SplitFingerprint
{
    /// <summary>The samples that passed every check (those <c>data.on_error: skip</c> left out are not counted).</summary>
    public required int Samples { get; init; }

    /// <summary>The SHA-256 of the samples, lower-case hex.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The fingerprint of <paramref name="samples"/>, read once in order.</summary>
    public static SplitFingerprint Of(IEnumerable<TokenizedSample> samples)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] tokens = [];
        int count = 0;
        foreach (var sample in samples)
        {
            count++;
            AppendText(hash, sample.Id);
            AppendText(hash, sample.Category);
            AppendText(hash, sample.Media?.Modality ?? "");
            AppendText(hash, sample.Media?.SourceId ?? "");
            AppendInt(hash, sample.Ids.Length);
            // One call per sample, not per token: the ids with the supervision flag in the top bit, as the sample file stores them.
            if (tokens.Length < 4 * sample.Ids.Length) tokens = new byte[Math.Max(4 * sample.Ids.Length, 2 * tokens.Length)];
            for (int i = 0; i < sample.Ids.Length; i++)
                BinaryPrimitives.WriteInt32LittleEndian(tokens.AsSpan(4 * i), sample.Ids[i] | (sample.Supervised[i] ? int.MinValue : 0));
            hash.AppendData(tokens, 0, 4 * sample.Ids.Length);
        }
        return new SplitFingerprint { Samples = count, Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset()) };
    }

    // Lengths before texts, so that no two different samples hash the same bytes.
    private static void AppendText(IncrementalHash hash, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        AppendInt(hash, bytes.Length);
        hash.AppendData(bytes);
    }

    private static void AppendInt(IncrementalHash hash, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        hash.AppendData(bytes);
    }
}
