using Pipeline.Host.Config.Binding;
using Pipeline.Host.Matrix;

namespace Pipeline.Host.Tests.Matrix;

public sealed class MatrixCellPipelineTests
{
    [Fact]
    public void A_cell_is_the_base_pipeline_with_the_common_keys_its_axis_values_and_its_own_run_directory()
    {
        using var matrix = new TinyMatrix();
        var definition = MatrixFile.Load(matrix.MatrixPath);

        var cell = MatrixCellPipeline.Load(definition, 3);

        cell.Config.Run.Seed.Should().Be(2);
        cell.Config.Stages.Select(s => s.Steps).Should().Equal(6, 4);
        cell.Config.Data.Synthetic.EvalPerCategory.Should().Be(3);
        cell.OutputDirectory.Should().Be(matrix.CellDirectory("rank=r8,seed=2"));
        var options = cell.Adapters.Single().Options;
        options.GetType().GetProperty("Rank")!.GetValue(options).Should().Be(8);
        options.GetType().GetProperty("Alpha")!.GetValue(options).Should().Be(16.0);
    }

    [Fact]
    public void A_key_path_walking_into_a_block_another_key_set_changes_only_that_cell()
    {
        using var matrix = new TinyMatrix(TinyMatrix.ShortStages + """

            axes:
              adapter:
                key: model.adapters
                values:
                  lora: [{ plugin: lora, options: { rank: 2, targets: { llm: [q_proj] } } }]
              rank:
                key: model.adapters.0.options.rank
                values: [3, 5]
            """);
        var definition = MatrixFile.Load(matrix.MatrixPath);

        var ranks = definition.Cells.Select(c => MatrixCellPipeline.Load(definition, c.Index).Adapters.Single().Options)
            .Select(o => o.GetType().GetProperty("Rank")!.GetValue(o)).ToList();

        ranks.Should().Equal(3, 5);
    }

    [Fact]
    public void An_invalid_value_is_reported_at_its_place_in_the_matrix_file_naming_every_cell_it_breaks()
    {
        using var matrix = new TinyMatrix(TinyMatrix.ShortStages + """

            axes:
              rank:
                key: model.adapters.0.options.rank
                values: [4, 0]
              seed:
                key: run.seed
                values: [1, 2]
            """);
        var definition = MatrixFile.Load(matrix.MatrixPath);

        var validate = () => MatrixValidator.Validate(definition);

        var problems = validate.Should().Throw<ConfigException>().Which.Problems;
        problems.Select(p => (p.File, p.Line, p.Column)).Should().Equal((matrix.MatrixPath, 10, 17), (matrix.MatrixPath, 10, 17));
        problems[0].Text.Should().StartWith("cell rank=0,seed=1: model.adapters[0].options.rank: ");
        problems[1].Text.Should().StartWith("cell rank=0,seed=2: model.adapters[0].options.rank: ");
    }

    [Fact]
    public void A_failure_of_a_file_value_caused_by_a_cell_value_points_at_the_cell_value_in_the_matrix_file()
    {
        using var matrix = new TinyMatrix(TinyMatrix.ShortStages + """

            axes:
              hidden:
                key: model.llm.hidden_size
                values: [32, 30]
            """);
        var definition = MatrixFile.Load(matrix.MatrixPath);
        string[] lines = File.ReadAllLines(matrix.MatrixPath);
        int line = Array.FindIndex(lines, l => l.Contains("values: [32, 30]")) + 1;
        int column = lines[line - 1].IndexOf("30]", StringComparison.Ordinal) + 1;

        var validate = () => MatrixValidator.Validate(definition);

        validate.Should().Throw<ConfigException>().Which.Problems.Should().Equal(new ConfigProblem(matrix.MatrixPath, line, column,
            "cell hidden=30: model.llm.heads: hidden_size / heads must be even for rotary embeddings, got 15"));
    }

    [Fact]
    public void A_key_path_that_cannot_be_walked_points_at_the_axis_key()
    {
        using var matrix = new TinyMatrix("""
            axes:
              bad:
                key: run.seed.value
                values: [1]
            """);

        var load = () => MatrixCellPipeline.Load(MatrixFile.Load(matrix.MatrixPath), 0);

        load.Should().Throw<ConfigException>().Which.Message.Should().Be(
            $"{matrix.MatrixPath}:5:10: cell bad=1: run.seed.value: cannot set 'value' inside run.seed: it holds the value '3', not a mapping");
    }

    [Fact]
    public void An_inline_base_pipeline_resolves_its_paths_beside_the_matrix_file()
    {
        using var matrix = new TinyMatrix();
        string inline = string.Join("\n", File.ReadAllLines(matrix.BasePath).Select(l => "  " + l));
        File.WriteAllText(matrix.MatrixPath, "base:\n" + inline + "\noutput_dir: out\n" + TinyMatrix.Axes + "\n");

        var cell = MatrixCellPipeline.Load(MatrixFile.Load(matrix.MatrixPath), 1);

        cell.Document.Path.Should().Be(matrix.MatrixPath);
        cell.OutputDirectory.Should().Be(matrix.CellDirectory("rank=r4,seed=2"));
        cell.Config.Run.Seed.Should().Be(2);
    }
}
