using System.Runtime.InteropServices;
using Pipeline.Host.IO;
using Pipeline.Host.Safetensors;

namespace Pipeline.Host.Checkpoints;

/// <summary>
/// The check every loader of a training checkpoint runs before it uses a tensor of it: <c>train --resume</c> (and the
/// cells of <c>pipeline matrix</c>, which resume through the same runner) in <see cref="ResumePoint.Load"/>,
/// <c>eval</c>, <c>export</c> and any other caller in <see cref="ModelWeights.Load"/>. <c>model.safetensors</c> and,
/// when present, <c>optimizer.safetensors</c> must be valid safetensors files holding floating-point tensors, every
/// value finite. A run never writes anything else (<see cref="Checkpointer"/> refuses non-finite values), so a
/// checkpoint that fails was damaged or edited after it was written. The values are checked on the stored bytes, one
/// tensor at a time, without making tensors.
/// </summary>
public static class CheckpointIntegrity
{
    /// <summary>The tensor files checked, in this order; the first must exist, the others may not.</summary>
    public static IReadOnlyList<string> TensorFiles { get; } = [CheckpointLocation.WeightsFileName, Checkpointer.OptimizerFileName];

    /// <summary>Checks the tensor files of the checkpoint directory <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidDataException">
    /// A file is not valid safetensors (truncated, say), or a tensor is not floating-point or holds a NaN or an infinity;
    /// the message names the checkpoint, the file and the tensor.
    /// </exception>
    public static void Verify(string directory, TransientFileRetry? retry = null)
    {
        retry ??= TransientFileRetry.Default;
        foreach (string fileName in TensorFiles)
        {
            string path = Path.Combine(directory, fileName);
            if (fileName != CheckpointLocation.WeightsFileName && !retry.Execute(() => File.Exists(path))) continue;
            using var file = retry.Execute(() =>
            {
                NonEmptyFile.Require(path);
                return SafetensorsFile.Open(path);
            });
            foreach (var entry in file.Entries.Values.OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                if (!SafetensorsDTypes.IsFloatingPoint(entry.DType))
                    throw new InvalidDataException($"checkpoint '{directory}': tensor '{entry.Name}' in {fileName} is {entry.DType}; " +
                        "a checkpoint's weights and optimizer moments are floating-point (F32), so it was not written by a run; refusing to load it");
                byte[] bytes = retry.Execute(() => file.ReadBytes(entry.Name));
                var (nan, infinite) = CountNonFinite(bytes, entry.DType);
                if (nan + infinite == 0) continue;
                string kinds = string.Join(", ", new[] { nan > 0 ? $"{nan} NaN" : null, infinite > 0 ? $"{infinite} infinite" : null }.OfType<string>());
                throw new InvalidDataException($"checkpoint '{directory}': tensor '{entry.Name}' in {fileName} holds {nan + infinite} non-finite " +
                    $"value{(nan + infinite == 1 ? "" : "s")} ({kinds}) among its {entry.ElementCount}; refusing to load it");
            }
        }
    }

    /// <summary>The NaNs and infinities among little-endian values of a floating-point type (F32, F16, BF16).</summary>
    public static (long NaN, long Infinite) CountNonFinite(ReadOnlySpan<byte> bytes, SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F32 => Count(MemoryMarshal.Cast<byte, uint>(bytes), 0x7F80_0000u, 0x007F_FFFFu),
        SafetensorsDType.F16 => Count(MemoryMarshal.Cast<byte, ushort>(bytes), 0x7C00, 0x03FF),
        SafetensorsDType.BF16 => Count(MemoryMarshal.Cast<byte, ushort>(bytes), 0x7F80, 0x007F),
        _ => throw new ArgumentException($"{dtype} is not a floating-point type", nameof(dtype)),
    };

    // A value is non-finite when its exponent bits are all set: an infinity if the mantissa is zero, else a NaN.
    private static (long, long) Count(ReadOnlySpan<uint> values, uint exponent, uint mantissa)
    {
        long nan = 0, infinite = 0;
        foreach (uint value in values)
        {
            if ((value & exponent) != exponent) continue;
            if ((value & mantissa) == 0) infinite++;
            else nan++;
        }
        return (nan, infinite);
    }

    private static (long, long) Count(ReadOnlySpan<ushort> values, ushort exponent, ushort mantissa)
    {
        long nan = 0, infinite = 0;
        foreach (ushort value in values)
        {
            if ((value & exponent) != exponent) continue;
            if ((value & mantissa) == 0) infinite++;
            else nan++;
        }
        return (nan, infinite);
    }
}
