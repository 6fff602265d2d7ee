using Pipeline.Host.Tests.Cli;
using Pipeline.Host.Tests.Composition;

namespace Pipeline.Host.Tests.Examples;

/// <summary>
/// The experiments of docs/EXPERIMENTS.md stay runnable: every base pipeline validates with its data, and every
/// experiment matrix validates every cell, repeats each configuration over at least five seeds and trains something
/// different in every cell.
/// </summary>
public sealed class ExperimentFilesTests
{
    private static string Folder => Path.Combine(SamplePluginBuild.RepositoryRoot(), "experiments");

    public static TheoryData<string> BasePipelines() => Files("*.base.yaml");

    public static TheoryData<string> Matrices()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(Folder, "*.yaml").Where(f => !f.EndsWith(".base.yaml", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(BasePipelines))]
    public void The_base_pipeline_validates_with_its_data(string file)
    {
        var (exitCode, output, error) = ConsoleCapture.Run("validate", Path.Combine(Folder, file));

        error.Should().BeEmpty();
        exitCode.Should().Be(0, output);
    }

    [Theory]
    [MemberData(nameof(Matrices))]
    public void The_experiment_validates_every_cell_over_at_least_five_seeds(string file)
    {
        var matrix = Pipeline.Host.Matrix.MatrixFile.Load(Path.Combine(Folder, file));

        var fingerprints = Pipeline.Host.Matrix.MatrixValidator.Validate(matrix);

        fingerprints.Should().HaveCount(matrix.Cells.Count);
        fingerprints.Values.Should().OnlyHaveUniqueItems("every cell trains something different");
        matrix.Axes.Single(a => a.Name == "seed").Values.Should().HaveCountGreaterThanOrEqualTo(5);
    }

    private static TheoryData<string> Files(string pattern)
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(Folder, pattern).Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(path));
        return data;
    }
}
