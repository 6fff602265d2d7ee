using Pipeline.Host.Modules.Llama;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Modules.Llama;

public sealed class RotaryTablesTests
{
    [Fact]
    public void Tables_for_1024_positions_match_the_rotation_angles_computed_in_double()
    {
        using var scope = NewDisposeScope();
        using var tables = new RotaryTables(headDim: 24, theta: 10_000);

        var (cos, sin) = tables.Tables(1024, 1024, CPU, ScalarType.Float32);

        cos.shape.Should().Equal(1024, 24);
        foreach (int position in new[] { 0, 1, 511, 1023 })
        {
            for (int i = 0; i < 12; i++)
            {
                double angle = position * Math.Pow(10_000, -2.0 * i / 24);
                // Float32 angles near 1,000 radians are good to about 1e-4; Hugging Face computes them the same way.
                cos[position, i].item<float>().Should().BeApproximately((float)Math.Cos(angle), 2e-4f);
                cos[position, i + 12].item<float>().Should().BeApproximately((float)Math.Cos(angle), 2e-4f);
                sin[position, i].item<float>().Should().BeApproximately((float)Math.Sin(angle), 2e-4f);
            }
        }
    }

    [Fact]
    public void Shorter_sequences_get_views_of_the_tables_built_once_for_the_capacity()
    {
        using var scope = NewDisposeScope();
        using var tables = new RotaryTables(headDim: 8, theta: 10_000);

        var (cos64, _) = tables.Tables(64, 128, CPU, ScalarType.Float32);
        var (cos40, sin40) = tables.Tables(40, 128, CPU, ScalarType.Float32);
        var (fresh, freshSin) = RotaryEmbedding.Tables(40, 8, 10_000, CPU, ScalarType.Float32);

        cos40.shape.Should().Equal(40, 8);
        allclose(cos40, fresh, atol: 1e-6).Should().BeTrue();
        allclose(sin40, freshSin, atol: 1e-6).Should().BeTrue();
        SharesStorage(cos40, cos64).Should().BeTrue("both are views of the one cached table");
    }

    [Fact]
    public void A_new_capacity_or_dtype_rebuilds_the_tables_and_a_longer_sequence_gets_its_own()
    {
        using var scope = NewDisposeScope();
        using var tables = new RotaryTables(headDim: 8, theta: 10_000);
        var (first, _) = tables.Tables(10, 16, CPU, ScalarType.Float32);

        var (longer, _) = tables.Tables(20, 16, CPU, ScalarType.Float32);
        var (again, _) = tables.Tables(10, 16, CPU, ScalarType.Float32);
        longer.shape.Should().Equal(20, 8);
        SharesStorage(again, first).Should().BeTrue("a sequence beyond the capacity does not replace the cache");

        var (doubled, _) = tables.Tables(10, 16, CPU, ScalarType.Float64);
        doubled.dtype.Should().Be(ScalarType.Float64);
        var (wider, _) = tables.Tables(10, 32, CPU, ScalarType.Float64);
        wider.shape.Should().Equal(10, 8);
        SharesStorage(wider, doubled).Should().BeFalse("a new capacity rebuilds the tables");
    }

    /// <summary>Whether a write through <paramref name="a"/> shows in <paramref name="b"/> (the entry at 0, 1 is marked and restored).</summary>
    private static bool SharesStorage(Tensor a, Tensor b)
    {
        double kept = a[0, 1].to_type(ScalarType.Float64).item<double>();
        a[0, 1] = 42;
        bool shared = b[0, 1].to_type(ScalarType.Float64).item<double>() == 42;
        a[0, 1] = kept;
        return shared;
    }
}
