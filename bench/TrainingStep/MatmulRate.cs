using System.Diagnostics;
using static TorchSharp.torch;

namespace Pipeline.Bench.TrainingStep;

/// <summary>libtorch's float32 matrix-product rate on this machine, measured in the same process as the step.</summary>
internal static class MatmulRate
{
    /// <summary>One measured product shape.</summary>
    /// <param name="Shape">Its label, <c>m x k x n</c>.</param>
    /// <param name="GflopsPerSecond">Median over rounds of <c>2 m k n</c> per second, in GFLOP/s.</param>
    public sealed record Rate(string Shape, double GflopsPerSecond);

    /// <summary>
    /// Times <c>(m x k) @ (k x n)</c> for each shape: three warm-up products, then <paramref name="rounds"/> rounds of
    /// enough products to take about 50 ms at 100 GFLOP/s; each round's rate, median over rounds.
    /// </summary>
    public static IReadOnlyList<Rate> Measure(IEnumerable<(long M, long K, long N)> shapes, int rounds) => shapes.Select(shape =>
    {
        using var scope = NewDisposeScope();
        var (m, k, n) = shape;
        Tensor a = randn(m, k), b = randn(k, n);
        double flops = 2.0 * m * k * n;
        int repeats = (int)Math.Max(1, Math.Ceiling(5e9 / flops));
        for (int i = 0; i < 3; i++) a.matmul(b).Dispose();
        var rates = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < repeats; i++) a.matmul(b).Dispose();
            rates.Add(flops * repeats / clock.Elapsed.TotalSeconds / 1e9);
        }
        return new Rate($"{m} x {k} x {n}", Statistics.Median(rates));
    }).ToList();
}
