using System.Buffers.Binary;
using Pipeline.Contracts.Media;

namespace Pipeline.Host.Data;

/// <summary>
/// Reads RIFF/WAVE files: integer PCM of 8, 16, 24 or 32 bits and IEEE float of 32 or 64 bits (also inside
/// WAVE_FORMAT_EXTENSIBLE). Channels are averaged to mono (the result records how many there were in
/// <see cref="AudioItem.SourceChannels"/>, so the data check can report it); the file's sample rate is kept. Chunks other than
/// <c>fmt </c> and <c>data</c> (LIST, fact, cue ...) are skipped.
/// </summary>
public static class WavFileReader
{
    private const ushort PcmFormat = 1, FloatFormat = 3, ExtensibleFormat = 0xFFFE;

    private sealed record WaveFormat(ushort Tag, int Channels, int SampleRate, int BlockAlign, int BitsPerSample);

    /// <summary>Reads <paramref name="path"/> as mono samples in [-1, 1].</summary>
    /// <param name="path">The WAV file.</param>
    /// <param name="sourceId">The <see cref="MediaItem.SourceId"/> of the result.</param>
    /// <param name="reader">Reads the file; <see cref="DataFileReader.Default"/> when omitted.</param>
    /// <exception cref="MediaProblemException">The path is not a readable regular file (<see cref="MediaPathInspector"/>).</exception>
    /// <exception cref="InvalidDataException">The file is not a WAV file, is truncated or has an unsupported format.</exception>
    /// <exception cref="IOException">The file exists but could not be read, even after retries.</exception>
    public static AudioItem Read(string path, string sourceId, DataFileReader? reader = null) =>
        Read(MediaPathInspector.ReadBytes("audio", path, reader ?? DataFileReader.Default), path, sourceId);

    /// <summary>Reads a WAV file's <paramref name="bytes"/>; <paramref name="path"/> only names it in errors.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a WAV file, are truncated, hold no samples or have an unsupported format.</exception>
    public static AudioItem Read(byte[] bytes, string path, string sourceId)
    {
        if (bytes.Length == 0)
        {
            throw new InvalidDataException($"audio file '{path}' is empty (0 bytes)");
        }
        if (bytes.Length < 12 || !bytes.AsSpan(0, 4).SequenceEqual("RIFF"u8) || !bytes.AsSpan(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException($"audio file '{path}' is not a WAV file (no RIFF/WAVE header)");
        }
        WaveFormat? format = null;
        for (var at = 12; at + 8 <= bytes.Length;)
        {
            var chunkId = System.Text.Encoding.ASCII.GetString(bytes, at, 4);
            var declared = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 4));
            var available = (uint)(bytes.Length - at - 8);
            // Streaming writers may leave the data size unset (0 or 0xFFFFFFFF): the data then runs to the end of the file.
            var unset = chunkId == "data" && declared is 0 or uint.MaxValue;
            if (chunkId == "data" && !unset && declared > available)
            {
                throw new InvalidDataException(
                    $"audio file '{path}' is truncated: its data chunk declares {declared} bytes but the file holds {available}");
            }
            // Any other chunk never runs past the file.
            var size = (int)(unset ? available : Math.Min(declared, available));
            var body = bytes.AsSpan(at + 8, size);
            if (chunkId == "fmt ")
            {
                format = ReadFormat(body, path);
            }
            else if (chunkId == "data")
            {
                if (format is null)
                {
                    throw new InvalidDataException($"audio file '{path}' has its data chunk before the fmt chunk");
                }
                if (body.Length < format.BlockAlign)
                {
                    throw new InvalidDataException($"audio file '{path}' holds no audio samples (its data chunk has {body.Length} bytes)");
                }
                return new AudioItem(sourceId, ToMono(body, format), format.SampleRate) { SourceChannels = format.Channels };
            }
            at += 8 + size + (size & 1);
        }
        throw new InvalidDataException($"audio file '{path}' has no {(format is null ? "fmt" : "data")} chunk");
    }

    private static WaveFormat ReadFormat(ReadOnlySpan<byte> body, string path)
    {
        if (body.Length < 16)
        {
            throw new InvalidDataException($"audio file '{path}' has a fmt chunk of {body.Length} bytes, expected at least 16");
        }
        var tag = BinaryPrimitives.ReadUInt16LittleEndian(body);
        var format = new WaveFormat(
            tag,
            BinaryPrimitives.ReadUInt16LittleEndian(body[2..]),
            BinaryPrimitives.ReadInt32LittleEndian(body[4..]),
            BinaryPrimitives.ReadUInt16LittleEndian(body[12..]),
            BinaryPrimitives.ReadUInt16LittleEndian(body[14..]));
        if (tag == ExtensibleFormat && body.Length >= 26)
        {
            // The sub-format GUID starts with the real format tag.
            format = format with { Tag = BinaryPrimitives.ReadUInt16LittleEndian(body[24..]) };
        }
        var supported = format.Tag switch
        {
            PcmFormat => format.BitsPerSample is 8 or 16 or 24 or 32,
            FloatFormat => format.BitsPerSample is 32 or 64,
            _ => false,
        };
        if (!supported)
        {
            throw new InvalidDataException(
                $"audio file '{path}' has an unsupported sample format (format tag {format.Tag}, {format.BitsPerSample} bits): " +
                "expected integer PCM of 8, 16, 24 or 32 bits or float of 32 or 64 bits");
        }
        if (format.Channels < 1 || format.SampleRate < 1 || format.BlockAlign < format.Channels * format.BitsPerSample / 8)
        {
            throw new InvalidDataException(
                $"audio file '{path}' has an invalid fmt chunk ({format.Channels} channels, {format.SampleRate} Hz, block align {format.BlockAlign})");
        }
        return format;
    }

    private static float[] ToMono(ReadOnlySpan<byte> data, WaveFormat format)
    {
        var frames = data.Length / format.BlockAlign;
        var bytesPerSample = format.BitsPerSample / 8;
        var samples = new float[frames];
        for (var frame = 0; frame < frames; frame++)
        {
            var sum = 0.0;
            for (var channel = 0; channel < format.Channels; channel++)
            {
                sum += ReadSample(data.Slice(frame * format.BlockAlign + channel * bytesPerSample, bytesPerSample), format.Tag);
            }
            samples[frame] = (float)(sum / format.Channels);
        }
        return samples;
    }

    private static double ReadSample(ReadOnlySpan<byte> bytes, ushort tag) => (tag, bytes.Length) switch
    {
        (FloatFormat, 4) => BinaryPrimitives.ReadSingleLittleEndian(bytes),
        (FloatFormat, 8) => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
        (_, 1) => (bytes[0] - 128) / 128.0,
        (_, 2) => BinaryPrimitives.ReadInt16LittleEndian(bytes) / 32768.0,
        (_, 3) => ((bytes[0] | bytes[1] << 8 | (sbyte)bytes[2] << 16)) / 8388608.0,
        _ => BinaryPrimitives.ReadInt32LittleEndian(bytes) / 2147483648.0,
    };
}
