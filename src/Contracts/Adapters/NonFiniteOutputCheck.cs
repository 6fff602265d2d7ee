using static TorchSharp.torch;

namespace Pipeline.Contracts.Adapters;

/// <summary>
/// A diagnostic mode in which every adaptation site checks that the module an adapter attached turns finite input into
/// finite output, and throws (as that adapter's forward failure) when it does not. The host turns it on for one rerun
/// of a batch whose loss came out NaN or infinite, so the message can name the adapter (or encoder) whose module made
/// the first non-finite values instead of only the step. Off, it costs nothing; on, it reads every module's output on
/// the host. <see cref="Modules.AdaptableLinear"/> and <see cref="Modules.AttentionInputSlot"/> check already; a component
/// that implements a site itself can call <see cref="Check"/> on each attached module's input and output (contracts 1.4).
/// </summary>
public static class NonFiniteOutputCheck
{
    [ThreadStatic] private static int _depth;

    /// <summary>Whether the check is on for this thread.</summary>
    public static bool Active => _depth > 0;

    /// <summary>Turns the check on for this thread until the result is disposed.</summary>
    public static IDisposable Activate()
    {
        _depth++;
        return new Deactivation();
    }

    /// <summary>
    /// While <see cref="Active"/>, throws <see cref="InvalidOperationException"/> when <paramref name="output"/> holds NaN or an
    /// infinity although <paramref name="input"/> holds none (non-finite input is an earlier module's doing).
    /// </summary>
    public static void Check(Tensor input, Tensor output)
    {
        if (!Active || output.isfinite().all().item<bool>() || !input.isfinite().all().item<bool>()) return;
        throw new InvalidOperationException("its module turned finite input into non-finite output (NaN or infinity)");
    }

    private sealed class Deactivation : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _depth--;
        }
    }
}
