using Pipeline.Contracts.Adapters;
using Pipeline.Plugins.Adapters.Mma;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Mma;

public sealed class ModalityTokenTests
{
    [Fact]
    public void Each_sample_gets_row_1_of_E_m_when_it_has_media_and_row_0_when_it_is_text_only()
    {
        using var token = new ModalityToken(width: 3);
        using (no_grad()) token.Embedding.copy_(tensor(new float[,] { { 1, 2, 3 }, { -1, -2, -3 } }));
        using var mask = ones(3, 4, dtype: ScalarType.Bool);
        using var hasMedia = tensor(new[] { true, false, true });

        using var embedded = token.Embed(new ForwardContext(mask, hasMedia, isTraining: false));

        embedded.shape.Should().Equal(3, 1, 3);
        embedded.data<float>().ToArray().Should().Equal(-1, -2, -3, 1, 2, 3, -1, -2, -3);
    }

    [Fact]
    public void It_is_one_position_hidden_from_text_and_its_only_parameter_is_modality_embedding()
    {
        using var token = new ModalityToken(width: 16);

        (token.Length, token.VisibleToText).Should().Be((1, false));
        token.Module.Should().BeSameAs(token);
        token.named_parameters().Select(p => (p.name, p.parameter.shape)).Should()
            .BeEquivalentTo(new[] { ("modality_embedding.weight", new long[] { 2, 16 }) });
        token.Embedding.requires_grad.Should().BeTrue();
    }
}
