using Pipeline.Host.Matrix;

namespace Pipeline.Host.Tests.Matrix;

public sealed class KubernetesJobWriterTests
{
    private static readonly KubernetesOptions FullOptions = new()
    {
        Name = "lora-sweep",
        Namespace = "ml",
        Image = "registry.local/pipeline:1.4",
        Parallelism = 2,
        RetriesPerCell = 1,
        Command = ["dotnet", "/app/pipeline.dll"],
        MatrixFile = "/app/matrices/sweep.yaml",
        WorkingDir = "/app",
        Cpu = "4",
        Memory = "16Gi",
        Gpus = 1,
        ResultsClaim = "sweep-results",
        ResultsPath = "/mnt/results",
    };

    [Fact]
    public void Every_option_lands_in_its_field_of_an_indexed_job()
    {
        var plan = TestPlans.Plan("matrices/sweep.yaml", "/m/out", cells: 3, kubernetes: FullOptions);

        var job = new ParsedYaml(KubernetesJobWriter.Job(plan));

        job.Lines().Should().Equal(
            "apiVersion = batch/v1",
            "kind = Job",
            "metadata.name = lora-sweep",
            "metadata.namespace = ml",
            "metadata.labels.app.kubernetes.io/name = pipeline-matrix",
            "metadata.labels.app.kubernetes.io/instance = lora-sweep",
            "spec.completionMode = Indexed",
            "spec.completions = 3",
            "spec.parallelism = 2",
            "spec.backoffLimitPerIndex = 1",
            "spec.template.metadata.labels.app.kubernetes.io/name = pipeline-matrix",
            "spec.template.metadata.labels.app.kubernetes.io/instance = lora-sweep",
            "spec.template.spec.restartPolicy = Never",
            "spec.template.spec.containers[0].name = cell",
            "spec.template.spec.containers[0].image = registry.local/pipeline:1.4",
            "spec.template.spec.containers[0].command[0] = dotnet",
            "spec.template.spec.containers[0].command[1] = /app/pipeline.dll",
            "spec.template.spec.containers[0].args[0] = matrix",
            "spec.template.spec.containers[0].args[1] = /app/matrices/sweep.yaml",
            "spec.template.spec.containers[0].args[2] = --index",
            "spec.template.spec.containers[0].args[3] = $(JOB_COMPLETION_INDEX)",
            "spec.template.spec.containers[0].args[4] = --output",
            "spec.template.spec.containers[0].args[5] = /mnt/results",
            "spec.template.spec.containers[0].workingDir = /app",
            "spec.template.spec.containers[0].resources.requests.cpu = 4",
            "spec.template.spec.containers[0].resources.requests.memory = 16Gi",
            "spec.template.spec.containers[0].resources.limits.cpu = 4",
            "spec.template.spec.containers[0].resources.limits.memory = 16Gi",
            "spec.template.spec.containers[0].resources.limits.nvidia.com/gpu = 1",
            "spec.template.spec.containers[0].volumeMounts[0].name = results",
            "spec.template.spec.containers[0].volumeMounts[0].mountPath = /mnt/results",
            "spec.template.spec.volumes[0].name = results",
            "spec.template.spec.volumes[0].persistentVolumeClaim.claimName = sweep-results");
    }

    [Fact]
    public void Numbers_are_plain_and_strings_that_look_like_numbers_are_quoted()
    {
        var plan = TestPlans.Plan("sweep.yaml", "/m/out", cells: 3, kubernetes: FullOptions);

        var job = new ParsedYaml(KubernetesJobWriter.Job(plan));

        string[][] numbers = [["spec", "completions"], ["spec", "parallelism"], ["spec", "backoffLimitPerIndex"], ["spec", "template", "spec", "containers", "0", "resources", "limits", "nvidia.com/gpu"]];
        foreach (string[] number in numbers)
            ParsedYaml.IsQuoted(job.Scalar(number)).Should().BeFalse(string.Join('.', number));
        // cpu "4" is a quantity string; unquoted, a YAML reader would hand Kubernetes the integer 4.
        ParsedYaml.IsQuoted(job.Scalar("spec", "template", "spec", "containers", "0", "resources", "requests", "cpu")).Should().BeTrue();
        ParsedYaml.IsQuoted(job.Scalar("spec", "template", "spec", "containers", "0", "resources", "limits", "cpu")).Should().BeTrue();
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("on")]
    [InlineData("N")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("1.5")]
    [InlineData("0x1F")]
    [InlineData("1e3")]
    [InlineData("02:00")]
    [InlineData("2026-11-29")]
    [InlineData(".inf")]
    [InlineData("")]
    public void A_string_that_a_YAML_1_1_reader_would_take_for_another_type_is_quoted(string value)
    {
        var options = new KubernetesOptions { Image = "pipeline", Command = [value], WorkingDir = "/w" };
        var plan = TestPlans.Plan("sweep.yaml", "/m/out", cells: 1, kubernetes: options);

        var command = new ParsedYaml(KubernetesJobWriter.Job(plan)).Scalar("spec", "template", "spec", "containers", "0", "command", "0");

        command.Value.Should().Be(value);
        ParsedYaml.IsQuoted(command).Should().BeTrue();
    }

    [Theory]
    [InlineData("pipeline")]
    [InlineData("/app/pipeline.dll")]
    [InlineData("$(JOB_COMPLETION_INDEX)")]
    [InlineData("--index")]
    public void Ordinary_strings_stay_plain(string value)
    {
        var plan = TestPlans.Plan("sweep.yaml", "/m/out", cells: 1, kubernetes: new KubernetesOptions { Image = "pipeline", Command = [value] });

        var command = new ParsedYaml(KubernetesJobWriter.Job(plan)).Scalar("spec", "template", "spec", "containers", "0", "command", "0");

        command.Value.Should().Be(value);
        ParsedYaml.IsQuoted(command).Should().BeFalse();
    }

    [Fact]
    public void Defaults_leave_out_the_namespace_working_directory_and_gpus_and_pass_the_matrix_file_as_given()
    {
        var plan = TestPlans.Plan("matrices/sweep.yaml", "/m/out", cells: 2, kubernetes: new KubernetesOptions { Image = "pipeline:latest" });

        var lines = new ParsedYaml(KubernetesJobWriter.Job(plan)).Lines();

        lines.Should().NotContain(l => l.StartsWith("metadata.namespace", StringComparison.Ordinal) || l.Contains("workingDir") || l.Contains("nvidia.com/gpu"));
        lines.Should().ContainInOrder(
            "metadata.name = pipeline-matrix",
            "spec.completions = 2",
            "spec.parallelism = 1",
            "spec.backoffLimitPerIndex = 0",
            "spec.template.spec.containers[0].command[0] = pipeline",
            "spec.template.spec.containers[0].args[1] = matrices/sweep.yaml",
            "spec.template.spec.containers[0].args[5] = /results",
            "spec.template.spec.containers[0].resources.requests.cpu = 2",
            "spec.template.spec.containers[0].resources.requests.memory = 8Gi",
            "spec.template.spec.volumes[0].persistentVolumeClaim.claimName = pipeline-results");
    }

    [Fact]
    public void The_header_says_how_to_submit_and_collect()
    {
        var plan = TestPlans.Plan("sweep.yaml", "/m/out", cells: 2, kubernetes: FullOptions);

        string text = KubernetesJobWriter.Job(plan);

        text.Split('\n').TakeWhile(l => l.StartsWith('#')).Should().Equal(
            "# Pipeline matrix 'sweep' as a Kubernetes Indexed Job: 2 cells, completion I runs cell I",
            "# into /mnt/results/cells/<cell>/ on claim 'sweep-results' (a retried pod resumes its cell from its checkpoint).",
            "# Written by 'pipeline matrix --emit k8s'.",
            "# Submit:  kubectl apply -f /m/out/k8s/job.yaml",
            "# Collect: dotnet /app/pipeline.dll matrix collect /mnt/results   (in a pod that mounts the claim, once every index has ended)");
        text.Should().NotContain("...");
    }

    [Fact]
    public void Write_puts_the_job_under_the_output_directory()
    {
        string folder = Path.Combine(Path.GetTempPath(), "pipeline-k8s-" + Guid.NewGuid().ToString("N"));
        try
        {
            var plan = TestPlans.Plan("sweep.yaml", folder, cells: 2, kubernetes: FullOptions);

            var written = KubernetesJobWriter.Write(plan);

            written.Path.Should().Be(Path.Combine(folder, "k8s", "job.yaml"));
            written.SubmitCommand.Should().Be($"kubectl apply -f {written.Path}");
            written.CollectCommand.Should().Be("dotnet /app/pipeline.dll matrix collect /mnt/results");
            File.ReadAllText(written.Path).Should().Be(KubernetesJobWriter.Job(plan));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_job_without_an_image_is_refused()
    {
        var plan = TestPlans.Plan("sweep.yaml", "/m/out", cells: 2);

        var act = () => KubernetesJobWriter.Job(plan);

        act.Should().Throw<InvalidOperationException>().WithMessage("k8s.image must name the container image that holds Pipeline to emit a Kubernetes Job");
    }
}
