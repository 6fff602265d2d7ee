using Pipeline.Host.Config.Binding;
using Pipeline.Host.Matrix;

namespace Pipeline.Host.Tests.Matrix;

public sealed class MatrixFileTests
{
    private static ConfigException LoadFails(TinyMatrix matrix)
    {
        var load = () => MatrixFile.Load(matrix.MatrixPath);
        return load.Should().Throw<ConfigException>().Which;
    }

    [Fact]
    public void Cells_are_the_product_of_the_axes_first_axis_slowest_named_by_their_labels()
    {
        using var matrix = new TinyMatrix();

        var definition = MatrixFile.Load(matrix.MatrixPath);

        definition.Cells.Select(c => (c.Index, c.Name)).Should().Equal(
            (0, "rank=r4,seed=1"), (1, "rank=r4,seed=2"), (2, "rank=r8,seed=1"), (3, "rank=r8,seed=2"));
        definition.Cells[3].Values.Should().Equal(KeyValuePair.Create("rank", "r8"), KeyValuePair.Create("seed", "2"));
        definition.Cells[3].Assignments.Select(a => a.KeyPath).Should().Equal("model.adapters.0.options", "run.seed");
        definition.Common.Select(a => a.KeyPath).Should().Equal("stages.0.steps", "stages.1.steps", "data.synthetic.eval_per_category");
        definition.OutputDirectory.Should().Be(matrix.OutputDirectory);
        definition.Cells[3].RunDirectory(definition.OutputDirectory).Should().Be(matrix.CellDirectory("rank=r8,seed=2"));
        definition.Metrics.Should().Equal(MatrixToleranceReader.Defaults);
    }

    [Fact]
    public void Exclude_rules_drop_matching_cells_and_include_adds_cells_back_in_order()
    {
        using var matrix = new TinyMatrix(TinyMatrix.Axes + """

            exclude:
              - { rank: r8 }
              - { rank: r4, seed: [2] }
            include:
              - { rank: r8, seed: 2 }
              - { rank: r4, seed: 1 }
            """);

        MatrixFile.Load(matrix.MatrixPath).Cells.Select(c => (c.Index, c.Name)).Should().Equal((0, "rank=r4,seed=1"), (1, "rank=r8,seed=2"));
    }

    [Fact]
    public void An_axis_without_a_key_sets_several_keys_per_value()
    {
        using var matrix = new TinyMatrix("""
            axes:
              budget:
                values:
                  short: { stages.0.steps: 2, stages.1.steps: 1 }
                  long: { stages.0.steps: 8, stages.1.steps: 4 }
            """);

        var cells = MatrixFile.Load(matrix.MatrixPath).Cells;

        cells.Select(c => c.Name).Should().Equal("budget=short", "budget=long");
        cells[1].Assignments.Select(a => (a.KeyPath, ((YamlDotNet.RepresentationModel.YamlScalarNode)a.Value).Value)).Should()
            .Equal(("stages.0.steps", "8"), ("stages.1.steps", "4"));
    }

    [Fact]
    public void An_exclude_rule_naming_an_unknown_axis_is_reported_at_its_position()
    {
        using var matrix = new TinyMatrix(TinyMatrix.Axes + "\nexclude:\n  - { rnak: r8 }");

        LoadFails(matrix).Message.Should().Be($"{matrix.MatrixPath}:13:7: exclude[0]: unknown axis 'rnak' (did you mean 'rank'?); axes: rank, seed");
    }

    [Fact]
    public void An_include_naming_an_unknown_label_or_not_every_axis_is_refused()
    {
        using var matrix = new TinyMatrix(TinyMatrix.Axes + "\ninclude:\n  - { rank: r16, seed: 1 }");
        LoadFails(matrix).Message.Should().Be($"{matrix.MatrixPath}:13:13: include[0]: axis 'rank' has no label 'r16' (did you mean 'r4'?); its labels: r4, r8");

        matrix.Write(TinyMatrix.Axes + "\ninclude:\n  - { rank: r8 }");
        LoadFails(matrix).Message.Should().Be($"{matrix.MatrixPath}:13:5: include[0]: an included cell names a label for every axis; missing: seed");
    }

    [Fact]
    public void The_matrix_refuses_to_let_a_cell_choose_its_own_output_directory()
    {
        using var matrix = new TinyMatrix("set:\n  run.output_dir: elsewhere\n" + TinyMatrix.Axes);

        LoadFails(matrix).Message.Should().Be(
            $"{matrix.MatrixPath}:4:3: set: run.output_dir is chosen by the matrix (output_dir/cells/CELL); set the matrix's output_dir instead");
    }

    [Fact]
    public void Missing_axes_unknown_keys_and_repeated_labels_are_located()
    {
        using var matrix = new TinyMatrix("set: { stages.0.steps: 2 }");
        LoadFails(matrix).Message.Should().StartWith($"{matrix.MatrixPath}:").And.Contain("axes: missing");

        matrix.Write("axes:\n  seed:\n    keys: run.seed\n    values: [1]");
        LoadFails(matrix).Message.Should().Be($"{matrix.MatrixPath}:5:5: axes.seed: unknown key 'keys'; an axis has 'key' and 'values'");

        matrix.Write("axes:\n  seed:\n    key: run.seed\n    values: [1, 2, 1]");
        LoadFails(matrix).Message.Should().Be($"{matrix.MatrixPath}:6:20: axes.seed.values: the label '1' appears twice");

        matrix.Write("axes:\n  adapter:\n    key: model.adapters\n    values: [[{plugin: lora}]]");
        LoadFails(matrix).Message.Should().Be(
            $"{matrix.MatrixPath}:6:14: axes.adapter.values: a list holds plain values only; give blocks a label (values: {{name: {{...}}}})");

        matrix.Write("axes:\n  seed:\n    key: run.seed\n    values: [1]\nbogus: 1");
        LoadFails(matrix).Message.Should().StartWith($"{matrix.MatrixPath}:7:1: unknown key 'bogus'");
    }

    [Fact]
    public void Labels_differing_only_by_case_an_empty_rule_and_an_axis_on_the_output_directory_are_refused()
    {
        using var matrix = new TinyMatrix("axes:\n  lr:\n    key: stages.0.learning_rate.llm\n    values: [1e-3, 1E-3]");
        LoadFails(matrix).Message.Should().Be(
            $"{matrix.MatrixPath}:6:20: axes.lr.values: the labels '1e-3' and '1E-3' differ only by case; cell folders need labels that differ otherwise");

        matrix.Write(TinyMatrix.Axes + "\nexclude:\n  - { rank: [] }");
        LoadFails(matrix).Message.Should().Be($"{matrix.MatrixPath}:13:13: exclude[0]: axis 'rank' lists no label; a rule with an empty list matches nothing");

        matrix.Write("axes:\n  seed:\n    key: run.seed\n    values: [1, 2]\n  again:\n    key: run.seed\n    values: [3]");
        LoadFails(matrix).Message.Should().Be(
            $"{matrix.MatrixPath}:8:10: axes.again: the key run.seed is already set by axis 'seed'; one key belongs to one axis (merge the two, or give this one another key)");

        matrix.Write("axes:\n  out:\n    key: run.output_dir\n    values: [a, b]");
        LoadFails(matrix).Message.Should().Be(
            $"{matrix.MatrixPath}:5:10: axes.out.key: run.output_dir is chosen by the matrix (output_dir/cells/CELL); set the matrix's output_dir instead");
    }

    [Fact]
    public void Metric_tolerances_are_absolute_or_relative_with_directions_defaulting_by_metric()
    {
        using var matrix = new TinyMatrix(TinyMatrix.Axes + """

            metrics:
              accuracy: 0.02
              final_loss: { tolerance: 5% }
              trainable_parameters: 0
              accuracy_image: { tolerance: 0.1, direction: equal }
            """);

        MatrixFile.Load(matrix.MatrixPath).Metrics.Should().Equal(
            new MetricTolerance("accuracy", MetricDirection.Higher, 0.02, 0),
            new MetricTolerance("final_loss", MetricDirection.Lower, 0, 0.05),
            new MetricTolerance("trainable_parameters", MetricDirection.Equal, 0, 0),
            new MetricTolerance("accuracy_image", MetricDirection.Equal, 0.1, 0));

        matrix.Write(TinyMatrix.Axes + "\nmetrics:\n  acuracy: 0.02");
        LoadFails(matrix).Message.Should().StartWith($"{matrix.MatrixPath}:13:3: metrics: unknown metric 'acuracy' (did you mean 'accuracy'?)");

        matrix.Write(TinyMatrix.Axes + "\nmetrics:\n  accuracy: { tolerance: -2% }");
        LoadFails(matrix).Message.Should().Be(
            $"{matrix.MatrixPath}:13:26: metrics.accuracy.tolerance: expected a number of at least 0 (0.02) or a percentage (5%), got '-2%'");
    }
}
