using Pipeline.Host.Matrix;

namespace Pipeline.Host.Tests.Matrix;

public sealed class SlurmScriptWriterTests
{
    private static readonly string[] Launcher = ["/usr/bin/dotnet", "/opt/pipeline/pipeline.dll"];

    [Fact]
    public void Every_option_becomes_its_directive_and_paths_with_a_space_and_a_quote_stay_one_word()
    {
        var options = new SlurmOptions
        {
            JobName = "lora sweep",
            Partition = "gpu",
            Account = "proj-1",
            Time = "02:00:00",
            CpusPerTask = 4,
            Memory = "16G",
            Gpus = 1,
            Parallelism = 2,
            ExtraDirectives = ["--qos=short"],
            Setup = ["module load cuda", "export PIPELINE_CACHE=/scratch"],
        };
        var plan = TestPlans.Plan("/data/it's a matrix/sweep.yaml", "/data/it's a matrix/out", cells: 3, slurm: options);

        string script = SlurmScriptWriter.Script(plan, Launcher);

        script.Should().Be("""
            #!/bin/bash
            # Pipeline matrix 'sweep' as a Slurm array job: 3 cells, task I runs cell I
            # into /data/it's a matrix/out/cells/<cell>/ (a rerun resumes a cell from its checkpoint and skips a finished one).
            # Written by 'pipeline matrix --emit slurm'. Threads: the pipeline's run.threads sets them; --cpus-per-task only reserves cores.
            # Submit:  sbatch '/data/it'\''s a matrix/out/slurm/matrix.sbatch'
            # Collect: /usr/bin/dotnet /opt/pipeline/pipeline.dll matrix collect '/data/it'\''s a matrix/out'   (once every task has ended)
            #SBATCH --job-name="lora sweep"
            #SBATCH --array=0-2%2
            #SBATCH --output="/data/it's a matrix/out/slurm/logs/%A_%a.out"
            #SBATCH --cpus-per-task=4
            #SBATCH --partition=gpu
            #SBATCH --account=proj-1
            #SBATCH --time=02:00:00
            #SBATCH --mem=16G
            #SBATCH --gres=gpu:1
            #SBATCH --qos=short

            set -eo pipefail
            module load cuda
            export PIPELINE_CACHE=/scratch
            exec /usr/bin/dotnet /opt/pipeline/pipeline.dll matrix '/data/it'\''s a matrix/sweep.yaml' --index "$SLURM_ARRAY_TASK_ID" --output '/data/it'\''s a matrix/out'

            """);
    }

    [Fact]
    public void Default_options_write_only_the_job_name_array_output_and_cores()
    {
        var plan = TestPlans.Plan("/m/sweep.yaml", "/m/out", cells: 1);

        var directives = SlurmScriptWriter.Script(plan, Launcher).Split('\n').Where(l => l.StartsWith("#SBATCH ", StringComparison.Ordinal));

        directives.Should().Equal(
            "#SBATCH --job-name=pipeline-matrix",
            "#SBATCH --array=0-0",
            "#SBATCH --output=/m/out/slurm/logs/%A_%a.out",
            "#SBATCH --cpus-per-task=2");
    }

    [Fact]
    public void A_percent_sign_in_the_output_directory_is_doubled_so_Slurm_keeps_it()
    {
        var plan = TestPlans.Plan("/m/sweep.yaml", "/m/100%/out", cells: 2);

        SlurmScriptWriter.Script(plan, Launcher).Should().Contain("#SBATCH --output=/m/100%%/out/slurm/logs/%A_%a.out\n")
            .And.Contain("--output /m/100%/out\n");
    }

    [Fact]
    public void Plugin_directories_are_passed_on_to_every_task_as_absolute_paths()
    {
        var plan = TestPlans.Plan("/m/sweep.yaml", "/m/out", cells: 2);

        string script = SlurmScriptWriter.Script(plan, Launcher, ["/opt/my plugins", "extra"]);

        script.Should().EndWith($"--output /m/out --plugins '/opt/my plugins' --plugins {Path.GetFullPath("extra")}\n");
    }

    [Fact]
    public void A_relative_matrix_file_is_made_absolute_for_the_nodes()
    {
        var plan = TestPlans.Plan("sweep.yaml", "/m/out", cells: 2);

        SlurmScriptWriter.Script(plan, Launcher).Should().Contain($"matrix {Path.GetFullPath("sweep.yaml")} --index");
    }

    [Fact]
    public void Write_creates_the_log_folder_and_uses_this_host_when_no_command_is_given()
    {
        string folder = Path.Combine(Path.GetTempPath(), "pipeline-sbatch-" + Guid.NewGuid().ToString("N"));
        try
        {
            var plan = TestPlans.Plan(Path.Combine(folder, "sweep.yaml"), Path.Combine(folder, "out"), cells: 2);

            var written = SlurmScriptWriter.Write(plan);

            string script = Path.Combine(folder, "out", "slurm", "matrix.sbatch");
            written.Path.Should().Be(script);
            written.SubmitCommand.Should().Be($"sbatch {script}");
            string launcher = string.Join(' ', PipelineLauncher.Command().Select(ShellQuoting.Bash));
            written.CollectCommand.Should().Be($"{launcher} matrix collect {Path.Combine(folder, "out")}");
            File.ReadAllText(script).Should().Be(SlurmScriptWriter.Script(plan, PipelineLauncher.Command()))
                .And.Contain($"exec {launcher} matrix {Path.Combine(folder, "sweep.yaml")} --index");
            Directory.Exists(Path.Combine(folder, "out", "slurm", "logs")).Should().BeTrue();
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_command_option_replaces_this_host()
    {
        var plan = TestPlans.Plan("/m/sweep.yaml", "/m/out", cells: 2, slurm: new SlurmOptions { Command = ["/opt/bin/pipeline"] });

        SlurmScriptWriter.Launcher(plan.Slurm).Should().Equal("/opt/bin/pipeline");
        SlurmScriptWriter.Launcher(new SlurmOptions()).Should().Equal(PipelineLauncher.Command());
    }

    [Fact]
    public void An_output_directory_with_a_backslash_is_refused()
    {
        var plan = TestPlans.Plan("/m/sweep.yaml", @"/m/a\b", cells: 2);

        var act = () => SlurmScriptWriter.Script(plan, Launcher);

        act.Should().Throw<InvalidOperationException>().WithMessage(@"the output directory '/m/a\b' holds a backslash, which a Slurm output file name cannot hold");
    }
}
