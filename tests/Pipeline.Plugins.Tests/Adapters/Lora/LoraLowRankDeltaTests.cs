using Pipeline.Contracts.Adapters;
using Pipeline.Plugins.Adapters.Lora;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Lora;

/// <summary>What exporters see of a LoRA delta through <see cref="ILowRankLinearDelta"/>.</summary>
public sealed class LoraLowRankDeltaTests
{
    [Fact]
    public void A_lora_delta_exposes_its_own_parameters_scale_and_dropout()
    {
        using var delta = new LoraDelta(inFeatures: 6, outFeatures: 5, rank: 2, scale: 8.0 / 2, dropout: 0.1);
        ILowRankLinearDelta lowRank = delta;

        lowRank.A.shape.Should().Equal(2, 6);
        lowRank.B.shape.Should().Equal(5, 2);
        (lowRank.Scale, lowRank.Dropout).Should().Be((4.0, 0.1));
        using (no_grad()) lowRank.B.fill_(1.0);
        delta.B.sum().item<float>().Should().Be(10f, "A and B are the delta's parameters, not copies, so importers can write into them");
    }
}
