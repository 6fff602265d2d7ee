using System.Buffers.Binary;
using Pipeline.Host.Checkpoints;
using Pipeline.Host.Safetensors;

namespace Pipeline.Host.Tests.Checkpoints;

/// <summary>The count of NaNs and infinities on stored bytes, against values whose bit patterns are written out by hand.</summary>
public sealed class CheckpointIntegrityTests
{
    private static byte[] Bytes32(params uint[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }

    private static byte[] Bytes16(params ushort[] values)
    {
        var bytes = new byte[2 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
        return bytes;
    }

    [Fact]
    public void F32_counts_quiet_and_signalling_nans_of_either_sign_and_both_infinities_but_not_the_largest_finite_value()
    {
        // 1.0, +inf, -inf, quiet NaN, -quiet NaN, signalling NaN (mantissa 1), float.MaxValue, smallest subnormal, -0.0
        byte[] bytes = Bytes32(0x3F80_0000, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0xFFC0_0000, 0x7F80_0001, 0x7F7F_FFFF, 0x0000_0001, 0x8000_0000);

        CheckpointIntegrity.CountNonFinite(bytes, SafetensorsDType.F32).Should().Be((3L, 2L));
    }

    [Fact]
    public void F16_uses_its_five_exponent_bits()
    {
        // 1.0, +inf, -inf, NaN, 65504 (the largest finite), NaN with the lowest mantissa bit
        byte[] bytes = Bytes16(0x3C00, 0x7C00, 0xFC00, 0x7E00, 0x7BFF, 0x7C01);

        CheckpointIntegrity.CountNonFinite(bytes, SafetensorsDType.F16).Should().Be((2L, 2L));
    }

    [Fact]
    public void BF16_uses_its_eight_exponent_bits()
    {
        // 1.0, +inf, NaN, -NaN with the lowest mantissa bit, the largest finite (0x7F7F)
        byte[] bytes = Bytes16(0x3F80, 0x7F80, 0x7FC0, 0xFF81, 0x7F7F);

        CheckpointIntegrity.CountNonFinite(bytes, SafetensorsDType.BF16).Should().Be((2L, 1L));
    }

    [Fact]
    public void Finite_values_and_an_empty_tensor_count_nothing()
    {
        byte[] finite = new[] { 0f, -1.5f, 3e38f, -3e38f, 1e-45f }.SelectMany(BitConverter.GetBytes).ToArray();

        CheckpointIntegrity.CountNonFinite(finite, SafetensorsDType.F32).Should().Be((0L, 0L));
        CheckpointIntegrity.CountNonFinite([], SafetensorsDType.F32).Should().Be((0L, 0L));
    }

    [Fact]
    public void Integer_types_are_not_counted()
    {
        var act = () => CheckpointIntegrity.CountNonFinite(new byte[8], SafetensorsDType.I64);

        act.Should().Throw<ArgumentException>().WithMessage("I64 is not a floating-point type*");
    }
}
