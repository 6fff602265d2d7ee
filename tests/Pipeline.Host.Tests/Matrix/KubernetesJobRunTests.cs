using Pipeline.Host.Matrix;

namespace Pipeline.Host.Tests.Matrix;

/// <summary>The emitted Indexed Job's container command, run on this machine once per completion index (see <see cref="KubernetesPod"/>).</summary>
public sealed class KubernetesJobRunTests
{
    [Theory]
    [InlineData("$(JOB_COMPLETION_INDEX)", "7")]
    [InlineData("cell-$(JOB_COMPLETION_INDEX).log", "cell-7.log")]
    [InlineData("$$(JOB_COMPLETION_INDEX)", "$(JOB_COMPLETION_INDEX)")]
    [InlineData("$(UNDEFINED)", "$(UNDEFINED)")]
    [InlineData("$HOME", "$HOME")]
    [InlineData("a$", "a$")]
    public void Variable_references_expand_as_Kubernetes_expands_them(string word, string expected) =>
        KubernetesPod.Expand(word, new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "7" }).Should().Be(expected);

    [Fact]
    public void Each_pod_runs_the_command_with_its_completion_index()
    {
        string folder = Path.Combine(Path.GetTempPath(), "pipeline-pods-" + Guid.NewGuid().ToString("N"), "it's a \"matrix\"");
        Directory.CreateDirectory(folder);
        try
        {
            string launcher = Path.Combine(folder, "fake pipeline.sh");
            // Stands in for Pipeline: records its arguments and working directory under the results path it was given.
            File.WriteAllText(launcher, """
                mkdir -p "$6"
                printf '%s\n' "$@" "$PWD" > "$6/pod-$JOB_COMPLETION_INDEX.args"

                """);
            string results = Path.Combine(folder, "results");
            var options = new KubernetesOptions
            {
                Image = "pipeline",
                Command = ["/bin/bash", launcher],
                MatrixFile = "sweep.yaml",
                WorkingDir = folder,
                ResultsPath = results,
            };
            var job = new ParsedYaml(KubernetesJobWriter.Job(TestPlans.Plan("/m/sweep.yaml", "/m/out", cells: 3, kubernetes: options)));

            for (int index = 0; index < 3; index++)
            {
                var pod = KubernetesPod.Run(job, index, TimeSpan.FromSeconds(30));
                pod.ExitCode.Should().Be(0, pod.Error);
            }

            for (int index = 0; index < 3; index++)
                File.ReadAllLines(Path.Combine(results, $"pod-{index}.args")).Should().Equal("matrix", "sweep.yaml", "--index", $"{index}", "--output", results, folder);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }
}
