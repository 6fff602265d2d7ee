using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Encoders.Common;

/// <summary>Chooses the device an encoder's parameters are created on.</summary>
internal static class BuildDevice
{
    /// <summary>
    /// Returns <paramref name="requested"/>, except when the process default device is the meta device: the host
    /// sets that while it only counts parameters, and then nothing may allocate real memory, whatever was requested.
    /// </summary>
    public static Device Resolve(Device requested) =>
        get_default_device().type == DeviceType.META ? META : requested;
}
