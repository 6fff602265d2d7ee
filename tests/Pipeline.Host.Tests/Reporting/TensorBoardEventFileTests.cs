using Pipeline.Host.Reporting;

namespace Pipeline.Host.Tests.Reporting;

/// <summary>Event files written by <see cref="TensorBoardWriter"/> (TorchSharp's writer), read back and cut.</summary>
public sealed class TensorBoardEventFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "pipeline-tensorboard-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    /// <summary>Writes a training record at every step 1..<paramref name="steps"/> of a one-stage run (loss = step / 8).</summary>
    private string WriteRun(int steps)
    {
        var writer = new TensorBoardWriter(_directory, new TensorBoardScalars([("only", 100)]));
        for (int step = 1; step <= steps; step++)
            writer.Write(new Dictionary<string, object> { ["kind"] = "train", ["stage"] = "only", ["step"] = (long)step, ["loss"] = step / 8.0 });
        return Directory.GetFiles(_directory).Should().ContainSingle().Which;
    }

    private static List<string> Points(string file) =>
        TensorBoardEventFile.Read(file).Select(e => e.Event.Summary is { } summary
            ? string.Join(", ", summary.Value.Select(v => $"{v.Tag} {e.Event.Step} {v.SimpleValue}"))
            : $"file_version {e.Event.FileVersion}").ToList();

    [Fact]
    public void The_writer_starts_one_event_file_in_the_folder_and_every_frame_passes_its_checksums()
    {
        string file = WriteRun(3);

        Path.GetFileName(file).Should().StartWith("events.out.tfevents.");
        TensorBoardEventFile.IsEventFile(file).Should().BeTrue();
        Points(file).Should().Equal("file_version brain.Event:2", "train/loss 1 0.125", "train/loss 2 0.25", "train/loss 3 0.375");
        TensorBoardEventFile.Read(file)[^1].End.Should().Be(new FileInfo(file).Length);
    }

    [Fact]
    public void Cutting_after_a_step_removes_the_later_events_and_keeps_the_rest_byte_for_byte()
    {
        string file = WriteRun(5);
        byte[] before = File.ReadAllBytes(file);

        int removed = TensorBoardEventFile.CutAfter(file, 3);

        removed.Should().Be(2);
        Points(file).Should().Equal("file_version brain.Event:2", "train/loss 1 0.125", "train/loss 2 0.25", "train/loss 3 0.375");
        File.ReadAllBytes(file).Should().Equal(before.Take((int)new FileInfo(file).Length));
        TensorBoardEventFile.CutAfter(file, 3).Should().Be(0);
    }

    [Fact]
    public void A_frame_cut_short_by_a_kill_ends_the_reading_and_is_removed_by_the_cut()
    {
        string file = WriteRun(2);
        long intact = new FileInfo(file).Length;
        byte[] frame = File.ReadAllBytes(file)[(int)TensorBoardEventFile.Read(file)[1].End..];
        File.AppendAllBytes(file, frame[..^3]);

        Points(file).Should().Equal("file_version brain.Event:2", "train/loss 1 0.125", "train/loss 2 0.25");
        TensorBoardEventFile.CutAfter(file, 10).Should().Be(0);
        new FileInfo(file).Length.Should().Be(intact);
    }

    [Fact]
    public void A_payload_that_fails_its_checksum_ends_the_reading()
    {
        string file = WriteRun(3);
        byte[] bytes = File.ReadAllBytes(file);
        bytes[^5] ^= 0x40; // the last byte of the last payload (the float value)
        File.WriteAllBytes(file, bytes);

        Points(file).Should().Equal("file_version brain.Event:2", "train/loss 1 0.125", "train/loss 2 0.25");
    }

    [Fact]
    public void Only_names_with_tfevents_are_event_files()
    {
        TensorBoardEventFile.IsEventFile("/runs/a/tensorboard/events.out.tfevents.638.host.1.1").Should().BeTrue();
        TensorBoardEventFile.IsEventFile("/runs/a/tensorboard/notes.txt").Should().BeFalse();
    }
}
