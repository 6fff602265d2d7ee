using System.Text;
using Pipeline.Host.Checkpoints;
using Pipeline.Host.Tests.Data;

namespace Pipeline.Host.Tests.Checkpoints;

public sealed class CheckpointStoreTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    private string Folder => Path.Combine(_folder.Path, "checkpoints");

    public void Dispose() => _folder.Dispose();

    private static IReadOnlyList<CheckpointFile> Files(string marker) =>
    [
        new(CheckpointLocation.WeightsFileName, ByteChunks.Of(Encoding.UTF8.GetBytes("weights " + marker))),
        new(Checkpointer.OptimizerFileName, ByteChunks.Of(Encoding.UTF8.GetBytes("moments " + marker))),
        new(CheckpointStore.StateFileName, ByteChunks.Of(Encoding.UTF8.GetBytes("{}"))),
    ];

    private string Latest() => File.ReadAllText(Path.Combine(Folder, "latest")).Trim();

    [Fact]
    public void A_written_checkpoint_is_complete_latest_names_it_and_resolve_finds_it()
    {
        var store = new CheckpointStore(Folder);

        string directory = store.Write(CheckpointStore.NameFor(40), Files("40"), keepLast: 3);

        directory.Should().Be(Path.Combine(Folder, "checkpoint-000040"));
        Directory.GetFiles(directory).Select(Path.GetFileName).Should().BeEquivalentTo("model.safetensors", "optimizer.safetensors", "trainer_state.json");
        Latest().Should().Be("checkpoint-000040");
        CheckpointLocation.Resolve(_folder.Path).Should().Be(directory);
        Directory.GetFileSystemEntries(Folder).Select(Path.GetFileName).Should().BeEquivalentTo("checkpoint-000040", "latest");
    }

    [Fact]
    public void A_write_that_fails_midway_leaves_latest_at_the_previous_checkpoint_and_no_trace_of_the_new_one()
    {
        new CheckpointStore(Folder).Write(CheckpointStore.NameFor(10), Files("10"), keepLast: 3);
        var failing = new CheckpointStore(Folder, fileWritten: path =>
        {
            if (Path.GetFileName(path) == Checkpointer.OptimizerFileName) throw new IOException("disk full (injected)");
        });

        var write = () => failing.Write(CheckpointStore.NameFor(20), Files("20"), keepLast: 3);

        write.Should().Throw<IOException>().Which.Message.Should().Be($"cannot write checkpoint checkpoint-000020 in '{Folder}': disk full (injected); " +
            "nothing of it was kept, and 'latest' still names checkpoint-000010, which is complete: free space (or fix the folder) and continue the run with --resume");
        Latest().Should().Be("checkpoint-000010");
        Directory.GetFileSystemEntries(Folder).Select(Path.GetFileName).Should().BeEquivalentTo("checkpoint-000010", "latest");
        File.ReadAllText(Path.Combine(CheckpointLocation.Resolve(_folder.Path), "model.safetensors")).Should().Be("weights 10");
    }

    [Fact]
    public void Only_the_newest_keep_last_checkpoints_stay()
    {
        var store = new CheckpointStore(Folder);

        foreach (long step in new long[] { 5, 10, 15, 20, 25 }) store.Write(CheckpointStore.NameFor(step), Files($"{step}"), keepLast: 2);

        store.Checkpoints().Should().Equal("checkpoint-000020", "checkpoint-000025");
        Latest().Should().Be("checkpoint-000025");
    }

    [Fact]
    public void Checkpoints_are_ordered_by_step_not_by_name()
    {
        var store = new CheckpointStore(Folder);

        foreach (long step in new long[] { 999_999, 1_000_000 }) store.Write(CheckpointStore.NameFor(step), Files($"{step}"), keepLast: 1);

        store.Checkpoints().Should().Equal("checkpoint-1000000");
    }

    [Fact]
    public void Leftovers_of_an_interrupted_run_are_removed_and_the_checkpoint_latest_names_is_kept()
    {
        var store = new CheckpointStore(Folder);
        store.Write(CheckpointStore.NameFor(10), Files("10"), keepLast: 3);
        // What a process killed while writing leaves: a temporary directory, a half-written latest.tmp, and a
        // renamed checkpoint that latest was never pointed at.
        Directory.CreateDirectory(Path.Combine(Folder, ".tmp-checkpoint-000020-0123abcd"));
        File.WriteAllText(Path.Combine(Folder, ".tmp-checkpoint-000020-0123abcd", "model.safetensors"), "half");
        File.WriteAllText(Path.Combine(Folder, "latest.tmp"), "checkpoint-0000");
        foreach (var file in Files("20")) File.WriteAllText(_folder.File("checkpoints", "checkpoint-000020", file.Name), "20");
        Directory.CreateDirectory(Path.Combine(Folder, "notes"));

        var removed = store.RemoveLeftovers(keep: "checkpoint-000010");

        removed.Should().BeEquivalentTo(".tmp-checkpoint-000020-0123abcd", "checkpoint-000020", "latest.tmp");
        Directory.GetFileSystemEntries(Folder).Select(Path.GetFileName).Should().BeEquivalentTo("checkpoint-000010", "latest", "notes");
        store.Latest().Should().Be("checkpoint-000010");
    }

    [Fact]
    public void A_checkpoint_left_under_its_final_name_by_an_interrupted_run_is_replaced()
    {
        var store = new CheckpointStore(Folder);
        store.Write(CheckpointStore.NameFor(10), Files("old"), keepLast: 3);
        File.WriteAllText(Path.Combine(Folder, "latest"), "checkpoint-000005\n");
        foreach (var file in Files("5")) File.WriteAllText(_folder.File("checkpoints", "checkpoint-000005", file.Name), "5");

        store.Write(CheckpointStore.NameFor(10), Files("new"), keepLast: 3);

        File.ReadAllText(Path.Combine(Folder, "checkpoint-000010", "model.safetensors")).Should().Be("weights new");
        Latest().Should().Be("checkpoint-000010");
    }

    [Fact]
    public void A_latest_that_names_no_complete_checkpoint_is_reported()
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(Folder, "latest"), "checkpoint-000007\n");

        var latest = () => new CheckpointStore(Folder).Latest();

        latest.Should().Throw<InvalidDataException>().WithMessage("*names 'checkpoint-000007', which is not a complete checkpoint directory*");
    }
}
