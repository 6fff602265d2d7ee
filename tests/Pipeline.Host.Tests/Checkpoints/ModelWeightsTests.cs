using Pipeline.Host.Checkpoints;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Tests.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Checkpoints;

public sealed class ModelWeightsTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string WriteWeights(params (string Name, Tensor Tensor)[] tensors)
    {
        SafetensorsWriter.Write(_folder.File("checkpoint-000001", CheckpointLocation.WeightsFileName), tensors);
        foreach (var (_, tensor) in tensors) tensor.Dispose();
        return Path.Combine(_folder.Path, "checkpoint-000001");
    }

    [Fact]
    public void Loads_matching_keys_and_reports_missing_and_unexpected_ones()
    {
        using var model = nn.Linear(3, 2);
        string directory = WriteWeights(("weight", arange(6, ScalarType.Float32).reshape(2, 3)), ("lora.extra", ones(4)));

        var report = ModelWeights.Load(model, directory);

        report.Directory.Should().Be(directory);
        report.Loaded.Should().Equal("weight");
        report.Missing.Should().Equal("bias");
        report.Unexpected.Should().Equal("lora.extra");
        model.weight!.data<float>().ToArray().Should().Equal(0, 1, 2, 3, 4, 5);
        model.weight.requires_grad.Should().BeTrue("loading copies values; it does not replace the parameter");
    }

    [Fact]
    public void A_run_output_directory_loads_the_checkpoint_latest_names()
    {
        using var model = nn.Linear(3, 2);
        WriteWeights(("bias", full(2, 7.0f)));
        File.WriteAllText(_folder.File("latest"), "checkpoint-000001\n");

        var report = ModelWeights.Load(model, _folder.Path);

        report.Loaded.Should().Equal("bias");
        model.bias!.data<float>().ToArray().Should().Equal(7, 7);
    }

    [Fact]
    public void A_shape_mismatch_is_refused_before_anything_is_loaded()
    {
        using var model = nn.Linear(3, 2);
        float[] before = model.bias!.data<float>().ToArray();
        string directory = WriteWeights(("bias", full(2, 7.0f)), ("weight", zeros(3, 3)));

        var load = () => ModelWeights.Load(model, directory);

        load.Should().Throw<InvalidDataException>().WithMessage("*'weight' has shape [3, 3], the model's is [2, 3]");
        model.bias.data<float>().ToArray().Should().Equal(before);
    }
}
