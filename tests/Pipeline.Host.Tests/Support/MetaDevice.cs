using TorchSharp;

namespace Pipeline.Host.Tests.Support;

/// <summary>Runs a build on the meta device (no weight memory), restoring the CPU default afterwards.</summary>
public static class MetaDevice
{
    public static T Build<T>(Func<T> build)
    {
        torch.set_default_device(torch.META);
        try { return build(); }
        finally { torch.set_default_device(torch.CPU); }
    }
}
