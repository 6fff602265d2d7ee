using Pipeline.Host.Training;

namespace Pipeline.Host.Tests.Training;

/// <summary><see cref="MicroBatchMemory"/>: the lower bound's parts against a case worked by hand.</summary>
public sealed class MicroBatchMemoryTests
{
    [Fact]
    public void The_parts_are_logits_and_their_gradient_layer_activations_and_gradients_with_adamw_state()
    {
        var estimate = new MicroBatchMemory(Samples: 4, Tokens: 10, AnswerTokens: 2.5, Vocabulary: 100, Layers: 2, Hidden: 8, Intermediate: 16,
            TrainableParameters: 1000);

        estimate.LogitBytes.Should().Be(8000);            // 4 x 2.5 x 100 x 4 x 2
        estimate.ActivationBytes.Should().Be(35_840);     // 4 x 10 x 2 x (64 + 48) x 4
        estimate.OptimizerBytes.Should().Be(12_000);      // 1000 x 12
        estimate.TotalBytes.Should().Be(55_840);
        estimate.Describe().Should().Be("logits 0.0 MiB (4 samples x 2.5 answer tokens x 100 vocabulary x 4 bytes x 2), " +
            "activations 0.0 MiB (4 samples x 10 tokens x 2 layers x (8 x 8 + 3 x 16) x 4 bytes), " +
            "gradients and AdamW state 0.0 MiB (1,000 trainable parameters x 12 bytes)");
    }

    [Theory]
    [InlineData(1536L * 1024, "1.5 MiB")]
    [InlineData(3L << 30, "3.0 GiB")]
    [InlineData((1L << 30) - 1, "1024.0 MiB")]
    public void Sizes_are_mib_below_a_gib_and_gib_from_there(long bytes, string expected)
    {
        MicroBatchMemory.Size(bytes).Should().Be(expected);
    }
}
