using Pipeline.Host.Matrix;
using Pipeline.Host.Tests.Support;

namespace Pipeline.Host.Tests.Matrix;

/// <summary>The script <see cref="SlurmScriptWriter"/> writes, submitted to a real local Slurm cluster (see <see cref="LocalSlurmTests"/>).</summary>
public sealed class SlurmArrayJobTests
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(2);

    [SlurmFact]
    public void Each_task_runs_the_launcher_with_its_own_index_through_paths_with_a_space_and_a_quote()
    {
        using var slurm = LocalSlurm.Start();
        // Every path the script names lives under a folder whose name needs quoting in bash and in #SBATCH lines.
        string folder = Path.Combine(slurm.Directory, "it's a \"matrix\"");
        Directory.CreateDirectory(folder);
        string launcher = Path.Combine(folder, "fake pipeline.sh");
        // Stands in for Pipeline: records the arguments it was given, one per line, and what the setup lines exported.
        File.WriteAllText(launcher, """
            out="$6"
            mkdir -p "$out"
            printf '%s\n' "$@" "$MATRIX_SETUP" > "$out/task-$SLURM_ARRAY_TASK_ID.args"

            """);
        string output = Path.Combine(folder, "out");
        var options = new SlurmOptions
        {
            JobName = "fake matrix",
            Parallelism = 2,
            CpusPerTask = 1,
            Setup = ["export MATRIX_SETUP=\"set up\""],
            Command = ["/bin/bash", launcher],
        };
        var plan = TestPlans.Plan(Path.Combine(folder, "sweep.yaml"), output, cells: 3, slurm: options);

        var written = SlurmScriptWriter.Write(plan);
        string job = slurm.Submit(written.Path);
        slurm.WaitForJob(job, JobTimeout);

        slurm.ArrayTasks(job).Values.Should().AllBeEquivalentTo(("COMPLETED", "0:0"), slurm.Logs());
        for (int task = 0; task < 3; task++)
        {
            File.ReadAllLines(Path.Combine(output, $"task-{task}.args")).Should().Equal(
                "matrix", Path.Combine(folder, "sweep.yaml"), "--index", $"{task}", "--output", output, "set up");
            File.Exists(Path.Combine(output, "slurm", "logs", $"{job}_{task}.out")).Should().BeTrue();
        }
    }
}
