using Pipeline.Plugins.Adapters.Lora;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Lora;

/// <summary>The delta <c>s B(A x)</c> and the gradients it passes back, on a case computed by hand.</summary>
public sealed class LoraDeltaGradientTests
{
    [Fact]
    public void The_delta_and_the_gradients_of_A_B_and_the_input_match_the_hand_computed_case()
    {
        // in 2, out 2, rank 1, s = alpha / r = 2; A = [1 2], B = [3 -1]^T; tokens [1 0] and [2 -1] (a 1 x 2 x 2 batch).
        // s A x = 2 and 0, so the deltas are [6 -2] and [0 0]. Upstream gradients [1 1] and [2 0]:
        // dB = sum_t G_t (s A x_t) = [2 2]^T; dh_t = s B^T G_t = 4 and 12; dA = sum_t dh_t x_t = [28 -12]; dx_t = A^T dh_t.
        using var scope = NewDisposeScope();
        using var delta = new LoraDelta(inFeatures: 2, outFeatures: 2, rank: 1, scale: 2, dropout: 0);
        using (no_grad())
        {
            delta.A.copy_(tensor(new float[,] { { 1, 2 } }));
            delta.B.copy_(tensor(new float[,] { { 3 }, { -1 } }));
        }
        Tensor x = tensor(new float[] { 1, 0, 2, -1 }).reshape(1, 2, 2).requires_grad_(true);

        Tensor output = delta.call(x);
        output.backward([tensor(new float[] { 1, 1, 2, 0 }).reshape(1, 2, 2)]);

        output.shape.Should().Equal(1, 2, 2);
        output.data<float>().ToArray().Should().Equal(6, -2, 0, 0);
        delta.B.grad!.data<float>().ToArray().Should().Equal(2, 2);
        delta.A.grad!.data<float>().ToArray().Should().Equal(28, -12);
        x.grad!.data<float>().ToArray().Should().Equal(4, 8, 12, 24);
    }
}
