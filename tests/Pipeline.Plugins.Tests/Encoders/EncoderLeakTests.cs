using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Media;
using Pipeline.Plugins.Encoders.Audio;
using Pipeline.Plugins.Encoders.Vision;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Encoders;

/// <summary>Collate and Encode leave no tensor alive but the one they return.</summary>
public sealed class EncoderLeakTests
{
    public static TheoryData<string> Encoders => new() { "vision-patches", "vision-cls", "audio-pooled", "audio-frames" };

    [Theory]
    [MemberData(nameof(Encoders))]
    public void Collate_and_encode_leave_only_their_results(string which)
    {
        using IEncoder encoder = which switch
        {
            "vision-patches" => new VisionEncoderFactory().Create(new VisionEncoderOptions(), new EncoderBuildContext("vision", CPU, 1)),
            "vision-cls" => new VisionEncoderFactory().Create(
                new VisionEncoderOptions { OutputTokens = "cls_every_k", ClsEvery = 1 }, new EncoderBuildContext("vision", CPU, 1)),
            "audio-pooled" => new AudioEncoderFactory().Create(new AudioEncoderOptions(), new EncoderBuildContext("audio", CPU, 1)),
            _ => new AudioEncoderFactory().Create(new AudioEncoderOptions { PoolTo = 0 }, new EncoderBuildContext("audio", CPU, 1)),
        };
        MediaItem item = encoder.Modality == "image"
            ? new ImageItem("img", new float[3 * 20 * 30], 20, 30)
            : new AudioItem("clip", new float[4000], 16000);
        // Tensor.TotalCount is process-wide: tensors of earlier tests that the collector finalizes mid-measurement
        // would lower it. Drain pending finalizers and keep the collector out while counting.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        bool paused = GC.TryStartNoGCRegion(64L * 1024 * 1024);
        try
        {
            long before = Tensor.TotalCount;

            using (var batch = encoder.Collate([item, item], CPU))
            using (var features = encoder.Encode(batch))
            {
                Tensor.TotalCount.Should().Be(before + 2);
            }

            Tensor.TotalCount.Should().Be(before);
        }
        finally
        {
            if (paused && System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        }
    }
}
