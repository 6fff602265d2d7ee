using Pipeline.Host.Checkpoints;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Tests.Support;

namespace Pipeline.Host.Tests.Checkpoints;

/// <summary>
/// A disk that fills up between two checkpoints (a 400 KiB tmpfs: the tiny run's first checkpoint takes about 250 KiB)
/// stops the run with a message naming the checkpoint that failed and the complete one that 'latest' still names, from
/// which the run resumes once there is room.
/// </summary>
public sealed class FullDiskTests
{
    [PrivilegedFact]
    public void A_full_disk_at_a_checkpoint_keeps_the_last_complete_one_and_says_so()
    {
        using var pipeline = new TinyPipeline();
        string disk = Path.Combine(pipeline.Directory, "disk");
        Directory.CreateDirectory(disk);
        string output = Path.Combine(disk, "run");
        string[] overrides = [$"run.output_dir={output}", "stages.0.steps=2", "stages.1.steps=1", "data.synthetic.eval_per_category=2"];

        using (PrivilegedFileSystem.Tmpfs(disk, "400k"))
        {
            var act = () => PipelineRunner.Train(PipelineLoader.Load(pipeline.ConfigPath, overrides), _ => { });

            act.Should().Throw<IOException>().Which.Message.Should().Be(
                $"cannot write checkpoint checkpoint-000003 in '{output}/checkpoints': No space left on device; nothing of it was kept, and " +
                "'latest' still names checkpoint-000002, which is complete: free space (or fix the folder) and continue the run with --resume");
            Directory.GetFileSystemEntries(Path.Combine(output, "checkpoints")).Select(Path.GetFileName).Should().BeEquivalentTo("checkpoint-000002", "latest");
            new CheckpointStore(Path.Combine(output, "checkpoints")).Latest().Should().Be("checkpoint-000002");
        }
    }
}
