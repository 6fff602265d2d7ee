using Pipeline.Contracts.Adapters;
using static TorchSharp.torch;

namespace Pipeline.Contracts.Modules;

/// <summary>
/// Checks what a module an adapter attached returned before the site adds it to its own result, so a wrong shape or a
/// tensor on another device is reported as that adapter's failure (inside <see cref="Adapters.AdapterForwardException.Run{T}"/>)
/// rather than as an anonymous broadcasting or device error in the sum, or a silent broadcast.
/// </summary>
internal static class AttachedModuleOutput
{
    /// <summary>
    /// Returns <paramref name="output"/>, what the module made of <paramref name="input"/>, when it has exactly
    /// <paramref name="shape"/> and lives on <paramref name="device"/> (and, while <see cref="NonFiniteOutputCheck"/> is
    /// on, is finite where the input is); otherwise throws, calling the site's own result <paramref name="what"/>
    /// ("the projection's output").
    /// </summary>
    public static Tensor Checked(Tensor input, Tensor output, long[] shape, Device device, string what)
    {
        if (!output.shape.SequenceEqual(shape))
            throw new InvalidOperationException($"its module returned shape [{string.Join(", ", output.shape)}]; {what} has shape [{string.Join(", ", shape)}]");
        if (output.device.type != device.type || output.device.index != device.index)
            throw new InvalidOperationException($"its module returned a tensor on {output.device}; {what} is on {device}");
        NonFiniteOutputCheck.Check(input, output);
        return output;
    }
}
