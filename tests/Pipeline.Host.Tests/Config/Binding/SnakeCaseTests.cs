using Pipeline.Host.Config.Binding;

namespace Pipeline.Host.Tests.Config.Binding;

public sealed class SnakeCaseTests
{
    [Theory]
    [InlineData("Rank", "rank")]
    [InlineData("RouterGradient", "router_gradient")]
    [InlineData("LearningRate", "learning_rate")]
    [InlineData("MinLearningRateRatio", "min_learning_rate_ratio")]
    [InlineData("ClsEvery", "cls_every")]
    [InlineData("NFft", "n_fft")]
    [InlineData("IOBuffer", "io_buffer")]
    [InlineData("UseFP16", "use_fp16")]
    [InlineData("MixedFP16", "mixed_fp16")]
    [InlineData("Layer2Norm", "layer2_norm")]
    [InlineData("Top2", "top2")]
    [InlineData("BFloat16", "b_float16")]
    [InlineData("learningRate", "learning_rate")]
    public void Converts_pascal_case_to_snake_case(string name, string expected)
    {
        SnakeCase.FromPascalCase(name).Should().Be(expected);
    }
}
