using System.Text.Json;
using FluentAssertions;
using Pipeline.Host.Safetensors;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Safetensors;

public sealed class SafetensorsCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safetensors-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static List<(string Name, Tensor Tensor)> Tensors() =>
    [
        ("model.layers.0.mlp.up_proj.weight", arange(0, 24, 1, ScalarType.Float32).reshape(4, 6)),   // 96 bytes
        ("model.layers.0.mlp.down_proj.weight", arange(0, 24, 1, ScalarType.Float32).reshape(6, 4)), // 96 bytes
        ("model.norm.weight", ones(4)),                                                                // 16 bytes
        // In BF16 (half the bytes) and a 50-byte limit, each of the three lands in a shard of its own.
    ];

    [Fact]
    public void Tensors_that_fit_in_one_shard_go_to_one_file()
    {
        var written = SafetensorsCheckpoint.Write(_dir, Tensors(), maxShardBytes: 1000);

        written.Should().Equal(Path.Combine(_dir, "model.safetensors"));
        File.Exists(Path.Combine(_dir, "model.safetensors.index.json")).Should().BeFalse();
    }

    [Fact]
    public void Shards_and_their_index_round_trip()
    {
        var tensors = Tensors();
        var written = SafetensorsCheckpoint.Write(_dir, tensors, maxShardBytes: 50, floatType: SafetensorsDType.BF16);

        written.Select(Path.GetFileName).Should().Equal(
            "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors",
            "model.safetensors.index.json");
        using (var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "model.safetensors.index.json"))))
        {
            index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64().Should().Be((24 + 24 + 4) * 2);
            index.RootElement.GetProperty("weight_map").GetProperty("model.norm.weight").GetString()
                .Should().Be("model-00003-of-00003.safetensors");
        }

        using var checkpoint = SafetensorsCheckpoint.Open(_dir);
        checkpoint.Entries.Keys.Should().BeEquivalentTo(tensors.Select(t => t.Name));
        foreach (var (name, expected) in tensors)
        {
            using var read = checkpoint.Read(name, ScalarType.Float32);
            read.shape.Should().Equal(expected.shape);
            read.data<float>().ToArray().Should().Equal(expected.data<float>().ToArray(), "small integers are exact in bf16");
        }
    }

    [Fact]
    public void An_index_that_maps_a_tensor_to_the_wrong_shard_is_refused()
    {
        SafetensorsCheckpoint.Write(_dir, Tensors(), maxShardBytes: 100);
        string indexPath = Path.Combine(_dir, "model.safetensors.index.json");
        File.WriteAllText(indexPath, File.ReadAllText(indexPath).Replace(
            "\"model.norm.weight\": \"model-00003-of-00003.safetensors\"", "\"model.norm.weight\": \"model-00001-of-00003.safetensors\""));

        var act = () => SafetensorsCheckpoint.Open(_dir);

        act.Should().Throw<InvalidDataException>().WithMessage(
            $"'{indexPath}' maps 'model.norm.weight' to 'model-00001-of-00003.safetensors', which does not hold it");
    }

    [Fact]
    public void A_directory_without_weights_names_both_expected_files()
    {
        var act = () => SafetensorsCheckpoint.Open(_dir, "adapter_model");

        act.Should().Throw<FileNotFoundException>().WithMessage(
            $"'{_dir}' has neither adapter_model.safetensors nor adapter_model.safetensors.index.json");
    }
}
