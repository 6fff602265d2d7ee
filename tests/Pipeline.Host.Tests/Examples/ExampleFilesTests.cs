using Pipeline.Host.Tests.Cli;
using Pipeline.Host.Tests.Composition;

namespace Pipeline.Host.Tests.Examples;

/// <summary>Every shipped example binds, resolves its plugins and attaches its adapters (on the meta device, no training).</summary>
public sealed class ExampleFilesTests
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(Path.Combine(SamplePluginBuild.RepositoryRoot(), "examples"), "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void The_example_validates(string file)
    {
        string path = Path.Combine(SamplePluginBuild.RepositoryRoot(), "examples", file);

        var (exitCode, output, error) = ConsoleCapture.Run("validate", path);

        error.Should().BeEmpty();
        exitCode.Should().Be(0, output);
    }

    public static TheoryData<string> ExampleMatrices()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(Path.Combine(SamplePluginBuild.RepositoryRoot(), "examples", "matrices"), "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(ExampleMatrices))]
    public void The_example_matrix_validates_every_cell(string file)
    {
        var matrix = Pipeline.Host.Matrix.MatrixFile.Load(Path.Combine(SamplePluginBuild.RepositoryRoot(), "examples", "matrices", file));

        var fingerprints = Pipeline.Host.Matrix.MatrixValidator.Validate(matrix);

        fingerprints.Should().HaveCount(matrix.Cells.Count);
        fingerprints.Values.Should().OnlyHaveUniqueItems("every cell trains something different");
    }

    [Fact]
    public void The_three_methods_compose_in_one_pipeline()
    {
        string path = Path.Combine(SamplePluginBuild.RepositoryRoot(), "examples", "mma-mole-commit.yaml");

        var (exitCode, output, error) = ConsoleCapture.Run("params", path);

        error.Should().BeEmpty();
        exitCode.Should().Be(0, output);
        output.Should().Contain("adapter mma").And.Contain("adapter mole");
    }
}
