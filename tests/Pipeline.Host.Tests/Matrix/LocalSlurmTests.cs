using Pipeline.Host.Tests.Support;

namespace Pipeline.Host.Tests.Matrix;

/// <summary>
/// The local Slurm cluster the array-job tests run on, proven with a plain array job first. These tests need root and
/// Debian's slurm-wlm and munge; without them they fail and say so, unless PIPELINE_SKIP_SLURM_TESTS=1 is set, when
/// they are reported as skipped with the reason (<see cref="SlurmFactAttribute"/>).
/// </summary>
public sealed class LocalSlurmTests
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(2);

    [SlurmFact]
    public void A_local_cluster_runs_every_task_of_an_array_job_once()
    {
        using var slurm = LocalSlurm.Start();
        string work = Path.Combine(slurm.Directory, "work");
        Directory.CreateDirectory(work);
        string script = Path.Combine(work, "array.sbatch");
        File.WriteAllText(script, $"""
            #!/bin/bash
            #SBATCH --job-name=harness
            #SBATCH --array=0-3%2
            #SBATCH --cpus-per-task=1
            #SBATCH --output={work}/%A_%a.out
            echo "task $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_JOB_ID" >> {work}/task-$SLURM_ARRAY_TASK_ID.txt

            """);

        string job = slurm.Submit(script);
        slurm.WaitForJob(job, JobTimeout);

        for (int task = 0; task < 4; task++)
        {
            File.ReadAllText(Path.Combine(work, $"task-{task}.txt")).Should().Be($"task {task} of {job}\n", slurm.Logs());
            File.Exists(Path.Combine(work, $"{job}_{task}.out")).Should().BeTrue();
        }
        slurm.ArrayTasks(job).Should().Equal(Enumerable.Range(0, 4).ToDictionary(t => t, _ => ("COMPLETED", "0:0")));
    }

    [SlurmFact]
    public void A_failing_task_is_reported_with_its_exit_code()
    {
        using var slurm = LocalSlurm.Start();
        string script = Path.Combine(slurm.Directory, "fail.sbatch");
        File.WriteAllText(script, $"""
            #!/bin/bash
            #SBATCH --array=0-1
            #SBATCH --output={slurm.Directory}/%A_%a.out
            exit $((SLURM_ARRAY_TASK_ID * 3))

            """);

        string job = slurm.Submit(script);
        slurm.WaitForJob(job, JobTimeout);

        slurm.ArrayTasks(job).Should().Equal(new Dictionary<int, (string, string)> { [0] = ("COMPLETED", "0:0"), [1] = ("FAILED", "3:0") });
    }
}
