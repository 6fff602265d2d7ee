using Pipeline.Plugins.Encoders.Audio;
using Pipeline.Plugins.Encoders.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Encoders;

/// <summary>The matrix-product convolutions compute what libtorch's convolutions compute with the same weights.</summary>
public sealed class ConvolutionEquivalenceTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(1, 0)]
    public void Temporal_convolution_equals_conv1d(int stride, int padding)
    {
        manual_seed(11);
        using var convolution = new TemporalConvolution(5, 7, kernelSize: 3, stride, padding, CPU);
        using var input = randn(2, 5, 11);
        var bias = convolution.named_parameters().Single(p => p.name == "bias").parameter;

        using var expected = nn.functional.conv1d(input, convolution.Weight, bias, stride: stride, padding: padding);
        using var actual = convolution.call(input);

        actual.shape.Should().Equal(expected.shape);
        allclose(actual, expected, atol: 1e-5).Should().BeTrue();
    }

    [Fact]
    public void Patch_embedding_equals_a_strided_conv2d()
    {
        manual_seed(12);
        using var embedding = new PatchEmbedding(width: 6, patchSize: 4, CPU);
        using var pixels = randn(2, 3, 8, 8);
        var weight = embedding.named_parameters().Single().parameter;

        using var expected = nn.functional.conv2d(pixels, weight, strides: [4, 4]).flatten(2).transpose(1, 2);
        using var actual = embedding.call(pixels);

        actual.shape.Should().Equal(2, 4, 6);
        allclose(actual, expected, atol: 1e-5).Should().BeTrue();
    }
}
