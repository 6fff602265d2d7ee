using Pipeline.Host.Checkpoints;
using Pipeline.Host.Safetensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Checkpoints;

public sealed class ModelWeightsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("model-weights-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static nn.Module<Tensor, Tensor> Model() => nn.Sequential(("proj", nn.Linear(3, 2)), ("norm", nn.LayerNorm(2)));

    private SafetensorsCheckpoint Checkpoint(params (string Name, Tensor Tensor)[] tensors)
    {
        SafetensorsCheckpoint.Write(_dir, tensors);
        return SafetensorsCheckpoint.Open(_dir);
    }

    [Fact]
    public void Copies_tensors_by_name_and_reports_missing_and_unexpected_keys()
    {
        using var model = Model();
        using var weight = arange(6, dtype: ScalarType.Float32).reshape(2, 3);
        using var bias = tensor(new[] { 0.5f, -0.5f });
        using var extra = ones(4);
        using var checkpoint = Checkpoint(("proj.weight", weight), ("proj.bias", bias), ("extra.weight", extra));

        var report = ModelWeights.Load(model, checkpoint);

        report.Loaded.Should().Equal("proj.bias", "proj.weight");
        report.Missing.Should().Equal("norm.bias", "norm.weight");
        report.Unexpected.Should().Equal("extra.weight");
        var state = model.state_dict();
        state["proj.weight"].data<float>().ToArray().Should().Equal(0, 1, 2, 3, 4, 5);
        state["proj.bias"].data<float>().ToArray().Should().Equal(0.5f, -0.5f);
        state["norm.weight"].data<float>().ToArray().Should().Equal([1f, 1f], "a missing entry keeps its built value");
        state["proj.weight"].requires_grad.Should().BeTrue("loading must not change which weights train");
    }

    [Fact]
    public void Converts_the_stored_type_to_the_model_entry_type()
    {
        using var model = Model();
        using var weight = tensor(new[] { 1f, 2f, 3f, 4f, 5f, 6f }).reshape(2, 3);
        SafetensorsCheckpoint.Write(_dir, [("proj.weight", weight)], floatType: SafetensorsDType.BF16);
        using var checkpoint = SafetensorsCheckpoint.Open(_dir);

        ModelWeights.Load(model, checkpoint);

        var loaded = model.state_dict()["proj.weight"];
        loaded.dtype.Should().Be(ScalarType.Float32);
        loaded.data<float>().ToArray().Should().Equal(1, 2, 3, 4, 5, 6);
    }

    [Fact]
    public void A_shape_mismatch_loads_nothing_and_names_the_tensor()
    {
        using var model = Model();
        float[] before = model.state_dict()["proj.bias"].data<float>().ToArray();
        using var bias = zeros(2);
        using var weight = zeros(2, 2);
        using var checkpoint = Checkpoint(("proj.bias", bias), ("proj.weight", weight));

        Action load = () => ModelWeights.Load(model, checkpoint);

        load.Should().Throw<InvalidDataException>()
            .WithMessage("*1 tensors do not fit the model*proj.weight (checkpoint [2, 2], model [2, 3])");
        model.state_dict()["proj.bias"].data<float>().ToArray().Should().Equal(before);
    }
}
