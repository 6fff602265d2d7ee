using static TorchSharp.torch;

namespace Pipeline.Host.Checkpoints;

/// <summary>
/// The torch CPU generator's state (dropout masks and every other random draw made while training), as base64 of
/// the bytes <c>torch.get_rng_state()</c> returns. The host's only other generator, the data order's
/// <see cref="System.Random"/>, is restored by replaying it (<see cref="Training.SampleOrder.FastForward"/>).
/// </summary>
public static class RandomState
{
    /// <summary>The generator's current state.</summary>
    public static string Capture()
    {
        using var state = get_rng_state();
        return Convert.ToBase64String(state.bytes);
    }

    /// <summary>Whether <paramref name="captured"/> is base64 of a state as long as the generator's own (checked before a resume changes anything).</summary>
    public static bool Fits(string captured)
    {
        var bytes = new byte[captured.Length];
        if (!Convert.TryFromBase64String(captured, bytes, out int length)) return false;
        using var state = get_rng_state();
        return length == state.bytes.Length;
    }

    /// <summary>Puts the generator back into a state <see cref="Capture"/> returned.</summary>
    public static void Restore(string captured)
    {
        byte[] bytes = Convert.FromBase64String(captured);
        using var state = empty(bytes.Length, ScalarType.Byte);
        state.bytes = bytes;
        set_rng_state(state);
    }
}
