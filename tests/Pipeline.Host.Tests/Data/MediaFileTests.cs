using System.Buffers.Binary;
using Pipeline.Contracts.Media;
using Pipeline.Host.Data;

namespace Pipeline.Host.Tests.Data;

public sealed class MediaFileTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Png_round_trip_keeps_every_value_within_half_a_level()
    {
        var pixels = Enumerable.Range(0, 3 * 5 * 7).Select(i => (float)((i * 37 % 101) / 100.0)).ToArray();
        var path = _folder.File("a.png");

        ImageFileEncoder.WritePng(path, new ImageItem("a", pixels, 5, 7));
        var decoded = ImageFileDecoder.Decode(path, "a (a.png)");

        (decoded.Height, decoded.Width, decoded.SourceId).Should().Be((5, 7, "a (a.png)"));
        decoded.Pixels.Zip(pixels).Should().OnlyContain(pair => Math.Abs(pair.First - pair.Second) <= 0.5f / 255f + 1e-6f);
    }

    [Fact]
    public void Jpeg_round_trip_keeps_flat_colours_close()
    {
        var flat = new ImageItem("j", new float[3 * 32 * 32], 32, 32);
        Array.Fill(flat.Pixels, 0.8f, 0, 32 * 32);
        var path = _folder.File("j.jpg");

        ImageFileEncoder.WriteJpeg(path, flat);
        var decoded = ImageFileDecoder.Decode(path, "j");

        decoded.Pixels.Zip(flat.Pixels).Should().OnlyContain(pair => Math.Abs(pair.First - pair.Second) < 0.03f);
    }

    [Fact]
    public void Wav_round_trip_keeps_16_bit_samples_within_one_step()
    {
        var samples = Enumerable.Range(0, 400).Select(i => (float)Math.Sin(i * 0.1) * 0.999f).Append(1f).Append(-1f).ToArray();
        var path = _folder.File("a.wav");

        WavFileWriter.Write(path, samples, 16000);
        var read = WavFileReader.Read(path, "a");

        read.SampleRate.Should().Be(16000);
        read.Samples.Should().HaveCount(samples.Length);
        read.Samples.Zip(samples).Should().OnlyContain(pair => Math.Abs(pair.First - pair.Second) <= 1f / 32767f);
        read.SourceChannels.Should().Be(1);
    }

    [Fact]
    public void Wav_reader_skips_unknown_chunks_and_averages_24_bit_stereo_to_mono()
    {
        // Two frames of 24-bit stereo: (0.5, -0.25) and (-1, 0.75) in units of 2^23, after a LIST chunk of odd size.
        int[] values = [4194304, -2097152, -8388608, 6291456];
        var data = values.SelectMany(v => new[] { (byte)v, (byte)(v >> 8), (byte)(v >> 16) }).ToArray();
        var path = _folder.File("stereo.wav");
        File.WriteAllBytes(path, Riff(Chunk("fmt ", Format(tag: 1, channels: 2, rate: 8000, bits: 24)), Chunk("LIST", [1, 2, 3]), Chunk("data", data)));

        var read = WavFileReader.Read(path, "s");

        read.SampleRate.Should().Be(8000);
        read.Samples.Should().Equal(0.125f, -0.125f);
        read.SourceChannels.Should().Be(2);
    }

    [Fact]
    public void A_stereo_file_is_read_as_the_mean_of_its_channels_and_says_it_had_two()
    {
        var path = _folder.File("two.wav");
        WavFileWriter.Write(path, [[0.5f, -1f, 0.25f], [-0.25f, 0.5f, 0.25f]], 16000);

        var audio = WavFileReader.Read(path, "two");

        audio.Samples.Should().Equal(0.125f, -0.25f, 0.25f);
        audio.SourceChannels.Should().Be(2);
    }

    [Fact]
    public void Wav_reader_reads_32_bit_float_extensible()
    {
        var format = Format(tag: 0xFFFE, channels: 1, rate: 22050, bits: 32).Concat(new byte[24]).ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(format.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(format.AsSpan(24), 3);
        var data = new[] { 0.25f, -0.5f, 0.125f }.SelectMany(BitConverter.GetBytes).ToArray();
        var path = _folder.File("float.wav");
        File.WriteAllBytes(path, Riff(Chunk("fmt ", format), Chunk("data", data)));

        WavFileReader.Read(path, "f").Samples.Should().Equal(0.25f, -0.5f, 0.125f);
    }

    [Fact]
    public void Wav_reader_rejects_unsupported_formats_by_name()
    {
        var path = _folder.File("adpcm.wav");
        File.WriteAllBytes(path, Riff(Chunk("fmt ", Format(tag: 2, channels: 1, rate: 8000, bits: 4)), Chunk("data", [0, 0])));

        var act = () => WavFileReader.Read(path, "x");

        act.Should().Throw<InvalidDataException>().WithMessage(
            $"audio file '{path}' has an unsupported sample format (format tag 2, 4 bits): expected integer PCM of 8, 16, 24 or 32 bits or float of 32 or 64 bits");
    }

    private static byte[] Format(ushort tag, ushort channels, int rate, ushort bits)
    {
        var format = new byte[16];
        var blockAlign = (ushort)(channels * Math.Max(1, bits / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(format, tag);
        BinaryPrimitives.WriteUInt16LittleEndian(format.AsSpan(2), channels);
        BinaryPrimitives.WriteInt32LittleEndian(format.AsSpan(4), rate);
        BinaryPrimitives.WriteInt32LittleEndian(format.AsSpan(8), rate * blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(format.AsSpan(12), blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(format.AsSpan(14), bits);
        return format;
    }

    private static byte[] Chunk(string id, byte[] body)
    {
        var chunk = new byte[8 + body.Length + (body.Length & 1)];
        System.Text.Encoding.ASCII.GetBytes(id).CopyTo(chunk, 0);
        BinaryPrimitives.WriteInt32LittleEndian(chunk.AsSpan(4), body.Length);
        body.CopyTo(chunk, 8);
        return chunk;
    }

    private static byte[] Riff(params byte[][] chunks)
    {
        var body = chunks.SelectMany(c => c).ToArray();
        var file = new byte[12 + body.Length];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), 4 + body.Length);
        "WAVE"u8.CopyTo(file.AsSpan(8));
        body.CopyTo(file, 12);
        return file;
    }
}
