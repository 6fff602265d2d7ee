using Pipeline.Host.Matrix;
using Pipeline.Host.Tests.Cli;
using Pipeline.Host.Tests.Support;

namespace Pipeline.Host.Tests.Matrix;

/// <summary>
/// A two-cell matrix emitted with <c>pipeline matrix FILE --emit</c>, run as the scheduler would run it, collected with
/// <c>pipeline matrix collect</c>, and compared with the same matrix run locally (<see cref="ReferenceMatrixRun"/>):
/// on a real local Slurm cluster (<see cref="LocalSlurm"/>), and as the pods of the Kubernetes Job would run on this
/// machine (<see cref="KubernetesPod"/>).
/// </summary>
public sealed class MatrixArrayJobEndToEndTests(ReferenceMatrixRun reference) : IClassFixture<ReferenceMatrixRun>
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(5);

    [SlurmFact]
    public void The_emitted_Slurm_job_trains_every_cell_and_collects_the_results_of_a_local_run()
    {
        using var slurm = LocalSlurm.Start();
        var matrix = reference.Matrix;
        matrix.Write(ReferenceMatrixRun.Body + "\nslurm:\n  job_name: tiny matrix\n  cpus_per_task: 1\n");
        string output = Path.Combine(matrix.Directory, "on-slurm");

        var emit = ConsoleCapture.Run("matrix", matrix.MatrixPath, "--emit", "slurm", "--output", output);

        emit.ExitCode.Should().Be(0, emit.Error + emit.Output);
        string script = Path.Combine(output, "slurm", "matrix.sbatch");
        emit.Output.Should().Be(
            $"{matrix.MatrixPath}: 2 cells valid; wrote {script}\n" +
            $"submit:  sbatch {script}\n" +
            $"collect: {ShellQuoting.Bash(PipelineLauncher.Command())} matrix collect {output}   (once every task has ended)\n");
        Directory.Exists(Path.Combine(output, "cells")).Should().BeFalse("emitting runs nothing");

        string job = slurm.Submit(script);
        slurm.WaitForJob(job, JobTimeout);

        slurm.ArrayTasks(job).Should().Equal(new Dictionary<int, (string, string)> { [0] = ("COMPLETED", "0:0"), [1] = ("COMPLETED", "0:0") },
            $"{TaskLogs(output)}\n{slurm.Logs()}");
        var collect = ConsoleCapture.Run("matrix", "collect", output);
        collect.ExitCode.Should().Be(0, collect.Error + collect.Output);
        collect.Output.Should().Contain("2 of 2 cells finished; results: ");
        File.Exists(Path.Combine(output, "results.csv")).Should().BeTrue();
        reference.ShouldMatch(MatrixResultsReader.Read(MatrixManifest.Read(output), output));
    }

    [Fact]
    public void The_emitted_Kubernetes_job_run_pod_by_pod_trains_every_cell_and_collects_the_results_of_a_local_run()
    {
        var matrix = reference.Matrix;
        string results = Path.Combine(matrix.Directory, "results volume");
        string command = string.Join(", ", PipelineLauncher.Command().Select(Quoted));
        matrix.Write(ReferenceMatrixRun.Body + $"""

            k8s:
              image: pipeline:test
              command: [{command}]
              matrix_file: {Quoted(matrix.MatrixPath)}
              results_path: {Quoted(results)}
            """);
        string output = Path.Combine(matrix.Directory, "on-k8s");

        var emit = ConsoleCapture.Run("matrix", matrix.MatrixPath, "--emit", "k8s", "--output", output);

        emit.ExitCode.Should().Be(0, emit.Error + emit.Output);
        string jobPath = Path.Combine(output, "k8s", "job.yaml");
        emit.Output.Should().StartWith($"{matrix.MatrixPath}: 2 cells valid; wrote {jobPath}\nsubmit:  kubectl apply -f {jobPath}\n");
        var job = new ParsedYaml(File.ReadAllText(jobPath));
        job.Scalar("spec", "completions").Value.Should().Be("2");

        for (int index = 0; index < 2; index++)
        {
            var pod = KubernetesPod.Run(job, index, JobTimeout);
            pod.ExitCode.Should().Be(0, $"pod {index}:\n{pod.Error}{pod.Output}");
        }

        var collect = ConsoleCapture.Run("matrix", "collect", results);
        collect.ExitCode.Should().Be(0, collect.Error + collect.Output);
        collect.Output.Should().Contain("2 of 2 cells finished; results: ");
        File.Exists(Path.Combine(results, "results.csv")).Should().BeTrue();
        reference.ShouldMatch(MatrixResultsReader.Read(MatrixManifest.Read(results), results));
    }

    [Fact]
    public void Emitting_a_Kubernetes_job_without_an_image_is_a_configuration_error()
    {
        var matrix = reference.Matrix;
        matrix.Write(ReferenceMatrixRun.Body + "\nk8s:\n  parallelism: 2\n");

        var (exitCode, _, error) = ConsoleCapture.Run("matrix", matrix.MatrixPath, "--emit", "k8s", "--output", Path.Combine(matrix.Directory, "no-image"));

        exitCode.Should().Be(2);
        error.Should().MatchRegex($@"^{System.Text.RegularExpressions.Regex.Escape(matrix.MatrixPath)}:\d+:\d+: k8s.image: must name the container image that holds Pipeline to emit a Kubernetes Job\n$");
    }

    private static string Quoted(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static string TaskLogs(string output)
    {
        string logs = Path.Combine(output, "slurm", "logs");
        return Directory.Exists(logs)
            ? string.Join("\n", Directory.GetFiles(logs).Order().Select(f => $"--- {Path.GetFileName(f)} ---\n{File.ReadAllText(f)}"))
            : "(no task logs)";
    }
}
