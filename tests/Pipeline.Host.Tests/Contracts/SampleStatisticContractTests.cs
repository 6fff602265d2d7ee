using Pipeline.Contracts.Adapters;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Contracts;

/// <summary>
/// <see cref="ForwardContext.AddSampleStatistic"/> (contracts 1.7): what it accepts, the exact texts of what it refuses,
/// the mean of repeated reports, and that nothing is kept unless the forward collects statistics.
/// </summary>
public sealed class SampleStatisticContractTests
{
    /// <summary>An evaluation context for a batch of two samples of three tokens that collects statistics.</summary>
    private static ForwardContext Collecting() =>
        new(ones(2, 3, dtype: ScalarType.Bool), zeros(2, dtype: ScalarType.Bool), isTraining: false, collectsSampleStatistics: true);

    public static TheoryData<string, long[], string> Refused => new()
    {
        { "", [2, 3], "sample statistic name '' must be one or more letters, digits, '_', '.' or '-' (Parameter 'name')" },
        { "mole experts", [2, 3], "sample statistic name 'mole experts' must be one or more letters, digits, '_', '.' or '-' (Parameter 'name')" },
        { "mole/experts", [2, 3], "sample statistic name 'mole/experts' must be one or more letters, digits, '_', '.' or '-' (Parameter 'name')" },
        { "experts", [2], "sample statistic 'experts' must be a B x K tensor with K >= 1 (one row per sample), got shape [2] (Parameter 'perSample')" },
        { "experts", [2, 3, 1], "sample statistic 'experts' must be a B x K tensor with K >= 1 (one row per sample), got shape [2, 3, 1] (Parameter 'perSample')" },
        { "experts", [2, 0], "sample statistic 'experts' must be a B x K tensor with K >= 1 (one row per sample), got shape [2, 0] (Parameter 'perSample')" },
        { "experts", [3, 2], "sample statistic 'experts' has 3 rows but the batch has 2 samples (Parameter 'perSample')" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_bad_name_or_shape_is_refused_with_its_reason(string name, long[] shape, string message)
    {
        using var scope = NewDisposeScope();
        var context = Collecting();

        var act = () => context.AddSampleStatistic(name, zeros(shape));

        act.Should().Throw<ArgumentException>().Which.Message.Should().Be(message);
        context.SampleStatistics.Should().BeEmpty();
    }

    [Fact]
    public void A_name_reported_again_with_another_column_count_is_refused()
    {
        using var scope = NewDisposeScope();
        var context = Collecting();
        context.AddSampleStatistic("mole_layer0.experts-a", zeros(2, 3));

        var act = () => context.AddSampleStatistic("mole_layer0.experts-a", zeros(2, 2));

        act.Should().Throw<ArgumentException>().Which.Message.Should()
            .Be("sample statistic 'mole_layer0.experts-a' was reported with 3 columns and then with 2 in the same forward (Parameter 'perSample')");
    }

    [Fact]
    public void Reports_of_one_name_are_averaged_and_kept_as_float32_copies_in_first_report_order()
    {
        using var scope = NewDisposeScope();
        var context = Collecting();
        Tensor first = tensor(new[] { 1f, 0f, 0.5f, 0.5f }, [2, 2]);

        context.AddSampleStatistic("b", first);
        context.AddSampleStatistic("a", tensor(new long[] { 4, 2 }, [2, 1]));
        context.AddSampleStatistic("b", tensor(new[] { 0.0, 1.0, 0.25, 0.75 }, [2, 2]));
        context.AddSampleStatistic("b", tensor(new[] { 0.5, 0.5, 0.0, 1.0 }, [2, 2]));
        first.fill_(7);

        context.SampleStatistics.Select(s => s.Name).Should().Equal("b", "a");
        var b = context.SampleStatistics[0].PerSample;
        b.dtype.Should().Be(ScalarType.Float32);
        b.data<float>().ToArray().Should().Equal([0.5f, 0.5f, 0.25f, 0.75f], (x, y) => Math.Abs(x - y) < 1e-7f);
        context.SampleStatistics[1].PerSample.data<float>().ToArray().Should().Equal(4f, 2f);
    }

    [Fact]
    public void Without_collection_reports_are_ignored_even_invalid_ones()
    {
        using var scope = NewDisposeScope();
        var evaluation = new ForwardContext(ones(2, 3, dtype: ScalarType.Bool), zeros(2, dtype: ScalarType.Bool), isTraining: false);
        var training = new ForwardContext(ones(2, 3, dtype: ScalarType.Bool), zeros(2, dtype: ScalarType.Bool), isTraining: true);

        foreach (var context in new[] { evaluation, training })
        {
            context.CollectsSampleStatistics.Should().BeFalse();
            context.AddSampleStatistic("experts", zeros(2, 3));
            context.AddSampleStatistic("", zeros(5));
            context.SampleStatistics.Should().BeEmpty();
        }
    }

    [Fact]
    public void A_training_forward_cannot_collect_statistics()
    {
        using var scope = NewDisposeScope();

        var act = () => new ForwardContext(ones(2, 3, dtype: ScalarType.Bool), zeros(2, dtype: ScalarType.Bool), isTraining: true, collectsSampleStatistics: true);

        act.Should().Throw<ArgumentException>().Which.Message.Should()
            .Be("a training forward does not collect sample statistics (Parameter 'collectsSampleStatistics')");
    }

    [Fact]
    public void A_reported_statistic_outlives_the_reporting_modules_scope_and_dies_with_the_token_masks()
    {
        Tensor perSample;
        using (var batchScope = NewDisposeScope())
        {
            var context = Collecting();
            using (var moduleScope = NewDisposeScope())
                context.AddSampleStatistic("experts", ones(2, 2));
            perSample = context.SampleStatistics.Single().PerSample;
            perSample.IsInvalid.Should().BeFalse();
        }

        perSample.IsInvalid.Should().BeTrue("it lives in the dispose scope that owns the token mask");
    }
}
