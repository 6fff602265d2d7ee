using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Encoders;

/// <summary>Makes the meta device the process default until disposed, then restores the CPU.</summary>
internal sealed class MetaDefaultDevice : IDisposable
{
    public MetaDefaultDevice() => set_default_device(META);

    public void Dispose() => set_default_device(CPU);
}
