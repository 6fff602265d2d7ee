using System.Text;
using System.Text.Json;
using FluentAssertions;
using Pipeline.Host.Safetensors;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Safetensors;

public sealed class SafetensorsFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safetensors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>Builds a file byte by byte, as any other safetensors writer would lay it out.</summary>
    private static byte[] HandMadeFile(string headerJson, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        return [.. BitConverter.GetBytes((ulong)header.Length), .. header, .. data];
    }

    [Fact]
    public void Reads_a_file_laid_out_by_hand()
    {
        // 1.0f = 00 00 80 3F, -2.0f = 00 00 00 C0; bf16 1.5 = 0x3FC0 -> C0 3F; f16 0.5 = 0x3800 -> 00 38.
        string header = """{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[1,1],"data_offsets":[8,10]},"c":{"dtype":"F16","shape":[],"data_offsets":[10,12]}}""";
        File.WriteAllBytes(PathOf("hand.safetensors"), HandMadeFile(header, [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0, 0xC0, 0x3F, 0x00, 0x38]));

        using var file = SafetensorsFile.Open(PathOf("hand.safetensors"));

        file.Metadata.Should().Equal(new Dictionary<string, string> { ["format"] = "pt" });
        file.Entries.Keys.Should().BeEquivalentTo("a", "b", "c");
        using var a = file.Read("a");
        a.dtype.Should().Be(ScalarType.Float32);
        a.data<float>().ToArray().Should().Equal(1f, -2f);
        using var b = file.Read("b", ScalarType.Float32);
        b.shape.Should().Equal(1, 1);
        b.item<float>().Should().Be(1.5f);
        using var c = file.Read("c");
        c.dtype.Should().Be(ScalarType.Float16);
        c.shape.Should().BeEmpty();
        c.to(ScalarType.Float32).item<float>().Should().Be(0.5f);
    }

    [Fact]
    public void Writes_the_layout_other_readers_expect()
    {
        using var a = tensor(new[] { 1f, -2f });
        SafetensorsWriter.Write(PathOf("w.safetensors"), [("a", a)], metadata: new Dictionary<string, string> { ["format"] = "pt" });

        byte[] bytes = File.ReadAllBytes(PathOf("w.safetensors"));
        ulong headerLength = BitConverter.ToUInt64(bytes, 0);
        (headerLength % 8).Should().Be(0, "the header is padded to 8 bytes");
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        header.RootElement.GetProperty("a").GetProperty("dtype").GetString().Should().Be("F32");
        header.RootElement.GetProperty("a").GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt64()).Should().Equal(0, 8);
        header.RootElement.GetProperty("__metadata__").GetProperty("format").GetString().Should().Be("pt");
        bytes.Skip(8 + (int)headerLength).Should().Equal(0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0);
    }

    [Theory]
    [InlineData(SafetensorsDType.F32)]
    [InlineData(SafetensorsDType.F16)]
    [InlineData(SafetensorsDType.BF16)]
    public void Round_trips_each_float_type(SafetensorsDType type)
    {
        // Values exactly representable in all three types, so the round trip is exact.
        using var weight = tensor(new[] { 0.5f, -1.25f, 3f, 0f, 96f, -0.0078125f }, [2, 3]);
        using var ids = arange(4, ScalarType.Int64);
        SafetensorsWriter.Write(PathOf("rt.safetensors"), [("w", weight), ("ids", ids)], floatType: type);

        using var file = SafetensorsFile.Open(PathOf("rt.safetensors"));
        file.Entries["w"].DType.Should().Be(type);
        file.Entries["ids"].DType.Should().Be(SafetensorsDType.I64, "integer tensors keep their type");
        using var read = file.Read("w", ScalarType.Float32);
        read.shape.Should().Equal(2, 3);
        read.data<float>().ToArray().Should().Equal(weight.data<float>().ToArray());
        using var readIds = file.Read("ids");
        readIds.data<long>().ToArray().Should().Equal(0, 1, 2, 3);
    }

    [Fact]
    public void Rounds_to_bf16_as_torch_does()
    {
        // 1 + 2^-8 is halfway between two bf16 values: round-to-nearest-even gives 1.0; 1 + 3*2^-8 rounds up to 1 + 2^-6.
        using var values = tensor(new[] { 1f + 1f / 256, 1f + 3f / 256 });
        SafetensorsWriter.Write(PathOf("bf.safetensors"), [("v", values)], floatType: SafetensorsDType.BF16);

        using var file = SafetensorsFile.Open(PathOf("bf.safetensors"));
        using var read = file.Read("v", ScalarType.Float32);
        read.data<float>().ToArray().Should().Equal(1f, 1f + 1f / 64);
    }

    [Fact]
    public void A_truncated_file_is_refused_naming_the_tensor()
    {
        using var a = ones(16);
        SafetensorsWriter.Write(PathOf("t.safetensors"), [("weight", a)]);
        byte[] bytes = File.ReadAllBytes(PathOf("t.safetensors"));
        File.WriteAllBytes(PathOf("t.safetensors"), bytes[..^4]);

        var act = () => SafetensorsFile.Open(PathOf("t.safetensors"));

        act.Should().Throw<InvalidDataException>().WithMessage(
            $"'{PathOf("t.safetensors")}' is not a valid safetensors file: tensor 'weight' ends at byte 64 of a 60-byte data section (truncated file?)");
    }

    [Fact]
    public void A_header_length_beyond_the_file_is_refused()
    {
        File.WriteAllBytes(PathOf("h.safetensors"), [.. BitConverter.GetBytes(1000UL), .. "{}"u8.ToArray()]);

        var act = () => SafetensorsFile.Open(PathOf("h.safetensors"));

        act.Should().Throw<InvalidDataException>().WithMessage("*the header length 1000 exceeds the file (10 bytes)*");
    }

    [Fact]
    public void Offsets_that_disagree_with_the_shape_are_refused()
    {
        string header = """{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""";
        File.WriteAllBytes(PathOf("s.safetensors"), HandMadeFile(header, new byte[8]));

        var act = () => SafetensorsFile.Open(PathOf("s.safetensors"));

        act.Should().Throw<InvalidDataException>().WithMessage("*tensor 'a' (F32 [3]) needs 12 bytes, its offsets give 8");
    }

    [Fact]
    public void Overlapping_tensors_are_refused()
    {
        string header = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""";
        File.WriteAllBytes(PathOf("o.safetensors"), HandMadeFile(header, new byte[8]));

        var act = () => SafetensorsFile.Open(PathOf("o.safetensors"));

        act.Should().Throw<InvalidDataException>().WithMessage("*tensors 'a' and 'b' overlap");
    }

    [Fact]
    public void An_unsupported_dtype_is_named()
    {
        string header = """{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}""";
        File.WriteAllBytes(PathOf("d.safetensors"), HandMadeFile(header, new byte[1]));

        var act = () => SafetensorsFile.Open(PathOf("d.safetensors"));

        act.Should().Throw<InvalidDataException>().WithMessage("tensor 'a' has dtype 'F8_E4M3'; supported: F32, F16, BF16, I64, I32, BOOL");
    }
}
