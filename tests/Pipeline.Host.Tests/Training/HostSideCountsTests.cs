using Pipeline.Host.Modules.Multimodal;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Training;

/// <summary>
/// The counts a training step needs from its batch (real tokens, placeholder positions per modality) come from the
/// host arrays the batch was built from, equal what the device tensors hold, and the forward's placeholder check
/// uses them with its message unchanged.
/// </summary>
public sealed class HostSideCountsTests : IDisposable
{
    private readonly TinyPipeline _pipeline = new();
    private readonly BuiltModel _built;
    private readonly BatchCollator _collator;
    private readonly DataSplits _splits;

    public HostSideCountsTests()
    {
        var definition = PipelineLoader.Load(_pipeline.ConfigPath, ["data.synthetic.pretrain_per_category=2"]);
        var (tokenizer, splits) = DataFactory.Load(definition);
        _splits = splits;
        _built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        _collator = new BatchCollator(tokenizer, _built.Model, 48);
    }

    public void Dispose()
    {
        _built.Dispose();
        _pipeline.Dispose();
    }

    [Fact]
    public void Token_and_placeholder_counts_counted_on_the_host_equal_the_batch_tensors()
    {
        using var scope = NewDisposeScope();
        var prepared = _collator.Prepare(_splits.Pretrain);
        using var batch = _collator.ToModelBatch(prepared, CPU);

        prepared.TokenCount.Should().Be(batch.TokenMask.sum().item<long>());
        batch.Media.Keys.Should().BeEquivalentTo("image", "audio");
        foreach (var (modality, (media, placeholderId, positions)) in batch.Media)
        {
            positions.Should().Be(batch.InputIds.eq(placeholderId).sum().item<long>(), modality);
            positions.Should().Be(media.shape[0] * _built.Model.EncoderFor(modality)!.Value.Encoder.TokenCount, modality);
        }
    }

    [Fact]
    public void Media_that_do_not_fill_the_placeholder_positions_are_refused_with_the_counts()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var batch = _collator.ToModelBatch(_collator.Prepare(_splits.Pretrain), CPU);
        var (images, imageId, positions) = batch.Media["image"];
        long tokenCount = _built.Model.EncoderFor("image")!.Value.Encoder.TokenCount;
        var miscounted = new ModelBatch
        {
            InputIds = batch.InputIds.alias(), Labels = batch.Labels.alias(), TokenMask = batch.TokenMask.alias(), HasMedia = batch.HasMedia.alias(),
            Media = new Dictionary<string, (Tensor, int, long)> { ["image"] = (images.alias(), imageId, positions - 1) },
            Categories = batch.Categories,
        };

        var forward = () => _built.Model.ForwardSupervised(miscounted);

        forward.Should().Throw<InvalidOperationException>().WithMessage(
            $"image: {images.shape[0]} samples x {tokenCount} tokens do not fill the {positions - 1} placeholder positions");
        miscounted.Dispose();
    }
}
