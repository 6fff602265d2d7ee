using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Media;
using Pipeline.Contracts.Runtime;
using Pipeline.Plugins.Encoders.Audio;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Encoders;

/// <summary>
/// Regression test for the intermittent non-finite audio-encoder outputs seen during training (see
/// <see cref="TemporalConvolution"/>): through a short training loop on two threads, every forward stays finite and
/// equals a second forward of the same weights.
/// </summary>
public sealed class AudioEncoderTrainingStabilityTests
{
    [Fact]
    public void Forward_stays_finite_and_repeatable_through_training_steps()
    {
        int threads = get_num_threads();
        set_num_threads(2);
        try
        {
            using var encoder = (IDisposable)new AudioEncoderFactory().Create(new AudioEncoderOptions(), new EncoderBuildContext("audio", CPU, 1));
            var audio = (IEncoder)encoder;
            var random = new Random(5);
            var items = Enumerable.Range(0, 12).Select(i => (MediaItem)new AudioItem($"clip-{i}",
                Enumerable.Range(0, 8000).Select(_ => (float)(random.NextDouble() - 0.5) * (i % 3 == 0 ? 0f : 1f)).ToArray(), 16000)).ToList();
            using var optimizer = optim.AdamW(audio.Module.parameters(), lr: 1e-3);
            int unstable = 0;
            for (int step = 0; step < 150; step++)
            {
                // Keep the collector (and so TorchSharp's finalizers) out of the native calls, as the host's trainer does.
                FinalizerFence.Run(() =>
                {
                    using var scope = NewDisposeScope();
                    Tensor batch = audio.Collate(items, CPU);
                    Tensor output = audio.Encode(batch);
                    Tensor again;
                    using (no_grad()) again = audio.Encode(batch);
                    if (!output.isfinite().all().item<bool>() || !allclose(output, again, atol: 1e-5)) unstable++;
                    output.pow(2).mean().backward();
                    optimizer.step();
                    optimizer.zero_grad();
                });
            }
            unstable.Should().Be(0);
        }
        finally
        {
            set_num_threads(threads);
        }
    }
}
