using Pipeline.Host.Config.Binding;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Cli;
using Pipeline.Host.Tests.Matrix;
using Pipeline.Host.Tests.Support;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>
/// Places a command cannot write stop it before the data is read, with a configuration error (exit code 2) that
/// names the YAML key or option and the path, and leave every file and folder as it was.
/// </summary>
public sealed class OutputLocationTests
{
    private const string Advice = "; nothing was changed. Choose another run.output_dir or make the place writable";

    /// <summary>Every file and folder under <paramref name="directory"/>, with file bytes and write times.</summary>
    private static List<string> Snapshot(string directory) =>
        Directory.GetFileSystemEntries(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => File.Exists(f) ? $"{f} {Convert.ToBase64String(File.ReadAllBytes(f))} {File.GetLastWriteTimeUtc(f):O}" : f + "/")
            .ToList();

    /// <summary>A thing in the way inside the output directory, and the message (after the position) it gives.</summary>
    public static TheoryData<string, string> InTheWay => new()
    {
        { "output-is-a-file", "run.output_dir: '{out}' (the run's output folder) is a file, not a folder" },
        { "checkpoints-is-a-file", "run.output_dir: '{out}/checkpoints' (where the run keeps its checkpoints) is a file, not a folder" },
        { "tensorboard-is-a-file", "run.output_dir: '{out}/tensorboard' (where the run writes TensorBoard event files) is a file, not a folder" },
        { "metrics-is-a-folder", "run.output_dir: '{out}/metrics.jsonl' is a folder, not a file" },
        { "summary-is-a-folder", "run.output_dir: '{out}/summary.json' is a folder, not a file" },
    };

    private static void PutInTheWay(string output, string name)
    {
        if (name == "output-is-a-file")
        {
            File.WriteAllText(output, "not a folder");
            return;
        }
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "metrics.jsonl"), "{\"kind\": \"train\", \"step\": 10}\n");
        switch (name)
        {
            case "checkpoints-is-a-file": File.WriteAllText(Path.Combine(output, "checkpoints"), "x"); break;
            case "tensorboard-is-a-file": File.WriteAllText(Path.Combine(output, "tensorboard"), "x"); break;
            case "metrics-is-a-folder":
                File.Delete(Path.Combine(output, "metrics.jsonl"));
                Directory.CreateDirectory(Path.Combine(output, "metrics.jsonl"));
                break;
            case "summary-is-a-folder": Directory.CreateDirectory(Path.Combine(output, "summary.json")); break;
            default: throw new ArgumentException(name);
        }
    }

    [Theory]
    [MemberData(nameof(InTheWay))]
    public void Something_in_the_way_stops_training_at_the_output_dir_key_and_changes_nothing(string name, string expected)
    {
        using var pipeline = new TinyPipeline();
        PutInTheWay(pipeline.OutputDirectory, name);
        var before = Snapshot(pipeline.Directory);
        var definition = PipelineLoader.Load(pipeline.ConfigPath);

        var act = () => PipelineRunner.Train(definition, _ => { });

        act.Should().Throw<ConfigException>().Which.Message.Should()
            .Be($"{pipeline.ConfigPath}:2:15: {expected.Replace("{out}", pipeline.OutputDirectory)}{Advice}");
        Snapshot(pipeline.Directory).Should().Equal(before);
    }

    [Fact]
    public void An_output_dir_under_a_file_is_refused_at_its_override_with_exit_code_2()
    {
        using var pipeline = new TinyPipeline();
        string taken = Path.Combine(pipeline.Directory, "taken");
        File.WriteAllText(taken, "x");
        var before = Snapshot(pipeline.Directory);

        var (exitCode, output, error) = ConsoleCapture.Run("train", pipeline.ConfigPath, "--plain", "--set", $"run.output_dir={taken}/run");

        exitCode.Should().Be(2);
        output.Should().BeEmpty("the data is not even read");
        error.Should().Be($"--set run.output_dir: run.output_dir: '{taken}/run' (the run's output folder) cannot be created: '{taken}' is a file, not a folder{Advice}\n");
        Snapshot(pipeline.Directory).Should().Equal(before);
    }

    [PrivilegedFact]
    public void An_immutable_or_read_only_output_dir_is_refused_although_root_ignores_permission_bits()
    {
        using var pipeline = new TinyPipeline();
        Directory.CreateDirectory(pipeline.OutputDirectory);
        var before = Snapshot(pipeline.Directory);

        (int, string) Train()
        {
            var (exitCode, _, error) = ConsoleCapture.Run("train", pipeline.ConfigPath, "--plain");
            return (exitCode, error);
        }

        using (PrivilegedFileSystem.Immutable(pipeline.OutputDirectory))
            Train().Should().Be((2, $"{pipeline.ConfigPath}:2:15: run.output_dir: '{pipeline.OutputDirectory}' (the run's output folder) cannot be written " +
                $"(permission denied: read-only, immutable or not yours){Advice}\n"));
        using (PrivilegedFileSystem.ReadOnly(pipeline.OutputDirectory))
            Train().Should().Be((2, $"{pipeline.ConfigPath}:2:15: run.output_dir: '{pipeline.OutputDirectory}' (the run's output folder) cannot be written " +
                $"(Read-only file system){Advice}\n"));
        Snapshot(pipeline.Directory).Should().Equal(before);
    }

    [Fact]
    public void Eval_refuses_an_output_dir_where_its_record_cannot_go_before_evaluating()
    {
        using var pipeline = new TinyPipeline();
        Directory.CreateDirectory(pipeline.OutputDirectory);
        Directory.CreateDirectory(Path.Combine(pipeline.OutputDirectory, "eval.jsonl"));

        var (exitCode, output, error) = ConsoleCapture.Run("eval", pipeline.ConfigPath);

        exitCode.Should().Be(2);
        output.Should().BeEmpty();
        error.Should().Be($"{pipeline.ConfigPath}:2:15: run.output_dir: '{pipeline.OutputDirectory}/eval.jsonl' is a folder, not a file{Advice}\n");
    }

    [Fact]
    public void Plot_refuses_an_out_that_is_a_file_and_a_folder_beside_the_metrics_it_cannot_write()
    {
        using var pipeline = new TinyPipeline();
        string metrics = Path.Combine(pipeline.Directory, "metrics.jsonl");
        File.WriteAllText(metrics, "{\"kind\": \"train\", \"stage\": \"s\", \"step\": 1, \"loss\": 2.0}\n");
        string taken = Path.Combine(pipeline.Directory, "taken");
        File.WriteAllText(taken, "x");

        ConsoleCapture.Run("plot", metrics, "--out", taken).Should()
            .Be((2, "", $"--out: '{taken}' is a file, not a folder; nothing was drawn. Choose another --out\n"));
        File.ReadAllText(taken).Should().Be("x");
    }

    [Fact]
    public void Matrix_refuses_an_output_dir_that_is_a_file_at_its_key_or_at_the_output_option()
    {
        using var matrix = new TinyMatrix();
        File.WriteAllText(matrix.OutputDirectory, "x");
        string taken = Path.Combine(matrix.Directory, "taken");
        File.WriteAllText(taken, "x");

        ConsoleCapture.Run("matrix", matrix.MatrixPath).Should().Be((2, "",
            $"{matrix.MatrixPath}:2:13: output_dir: '{matrix.OutputDirectory}' is a file, not a folder; nothing was changed. " +
            "Choose another output_dir (or --output) or make the place writable\n"));
        ConsoleCapture.Run("matrix", matrix.MatrixPath, "--output", $"{taken}/m", "--emit", "slurm").Should().Be((2, "",
            $"--output: '{taken}/m' cannot be created: '{taken}' is a file, not a folder; nothing was changed. Choose another --output or make the place writable\n"));
        File.ReadAllText(matrix.OutputDirectory).Should().Be("x");
    }

    [Fact]
    public void An_output_dir_with_spaces_and_unicode_in_its_name_trains()
    {
        using var pipeline = new TinyPipeline();
        string output = Path.Combine(pipeline.Directory, "runs with spaces", "résultats ünïcode");

        var result = PipelineRunner.Train(PipelineLoader.Load(pipeline.ConfigPath,
            [$"run.output_dir={output}", "stages.0.steps=2", "stages.1.steps=1", "data.synthetic.eval_per_category=2"]), _ => { });

        result.OutputDirectory.Should().Be(output);
        File.Exists(Path.Combine(output, "summary.json")).Should().BeTrue();
        File.ReadAllText(Path.Combine(output, "checkpoints", "latest")).Should().Be("checkpoint-000003\n");
    }
    [Fact]
    public void An_output_dir_that_is_the_data_folder_is_refused_since_the_charts_would_replace_media()
    {
        using var data = new LlavaDataFolder();
        data.WriteTrain();
        var before = Snapshot(data.DataDirectory);

        var act = () => PipelineRunner.Train(PipelineLoader.Load(data.ConfigPath, ["run.output_dir=data"]), _ => { });

        act.Should().Throw<ConfigException>().Which.Message.Should().Be(
            $"--set run.output_dir: run.output_dir: '{data.DataDirectory}' is the folder of data.llava.train ('data/train.json'); the run's files would " +
            "mix with the data and its charts (loss.png, accuracy.png, learning_rate.png, kappa.png, multipliers.png) would replace media of the same names; nothing was changed. " +
            "Give the run a folder of its own");
        Snapshot(data.DataDirectory).Should().Equal(before);
    }

    [Fact]
    public void An_output_dir_that_is_the_yaml_s_folder_trains_beside_it_and_leaves_the_yaml_alone()
    {
        using var pipeline = new TinyPipeline();
        string yaml = File.ReadAllText(pipeline.ConfigPath);

        PipelineRunner.Train(PipelineLoader.Load(pipeline.ConfigPath,
            ["run.output_dir=.", "stages.0.steps=2", "stages.1.steps=1", "data.synthetic.eval_per_category=2"]), _ => { });

        File.ReadAllText(pipeline.ConfigPath).Should().Be(yaml);
        Directory.GetFileSystemEntries(pipeline.Directory).Select(Path.GetFileName).Should().BeEquivalentTo(
            "pipeline.yaml", "metrics.jsonl", "summary.json", "tokenizer.words.json", "checkpoints", "tensorboard");
    }
}
