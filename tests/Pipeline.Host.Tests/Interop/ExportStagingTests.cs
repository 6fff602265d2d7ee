using Pipeline.Host.Interop;
using Pipeline.Host.Tests.Cli;
using Pipeline.Host.Tests.Data;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Tests.Support;

namespace Pipeline.Host.Tests.Interop;

/// <summary>
/// <c>pipeline export</c> is all or nothing: files are written beside <c>--out</c> and renamed into place when complete;
/// a failure leaves no <c>--out</c> and no staging folder, and an <c>--out</c> that cannot be written is refused before
/// the model is built.
/// </summary>
public sealed class ExportStagingTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    private string[] Entries() => Directory.GetFileSystemEntries(_folder.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void A_complete_export_is_renamed_into_place_and_its_paths_name_the_destination()
    {
        string destination = Path.Combine(_folder.Path, "export");
        Directory.CreateDirectory(destination);

        var written = ExportStaging.Write(destination, staging =>
        {
            Directory.CreateDirectory(Path.Combine(staging, "llm"));
            File.WriteAllText(Path.Combine(staging, "llm", "adapter_config.json"), "{}");
            return [Path.Combine(staging, "llm")];
        });

        written.Should().Equal(Path.Combine(destination, "llm"));
        Entries().Should().Equal(destination, Path.Combine(destination, "llm"), Path.Combine(destination, "llm", "adapter_config.json"));
    }

    [Fact]
    public void A_failure_midway_leaves_neither_the_destination_nor_the_staging_folder()
    {
        string destination = Path.Combine(_folder.Path, "export");

        var act = () => ExportStaging.Write(destination, staging =>
        {
            File.WriteAllText(Path.Combine(staging, "config.json"), "{}");
            throw new IOException("No space left on device : '" + Path.Combine(staging, "model.safetensors") + "'");
        });

        act.Should().Throw<IOException>().WithMessage($"cannot write the export to '{destination}': No space left on device; nothing was left there");
        Entries().Should().BeEmpty();
    }

    [Fact]
    public void An_out_under_a_file_is_refused_before_the_model_is_built()
    {
        using var pipeline = new TinyPipeline();
        string taken = Path.Combine(pipeline.Directory, "taken");
        File.WriteAllText(taken, "x");

        var (exitCode, output, error) = ConsoleCapture.Run("export", pipeline.ConfigPath, "--out", Path.Combine(taken, "export"));

        exitCode.Should().Be(2);
        output.Should().BeEmpty();
        error.Should().Be($"--out: '{taken}/export' cannot be created: '{taken}' is a file, not a folder; nothing was written\n");
    }

    [Fact]
    public void An_empty_out_is_refused()
    {
        using var pipeline = new TinyPipeline();

        ConsoleCapture.Run("export", pipeline.ConfigPath, "--out", " ").Should().Be((2, "", "--out: is empty; name the directory to write\n"));
    }

    [PrivilegedFact]
    public void A_disk_that_fills_up_during_an_export_leaves_nothing_behind()
    {
        using var run = new TrainedRun(TinyPipeline.Yaml);
        string disk = Path.Combine(_folder.Path, "disk");
        Directory.CreateDirectory(disk);
        string output = Path.Combine(disk, "merged");

        using (PrivilegedFileSystem.Tmpfs(disk, "16k"))
        {
            var (exitCode, _, error) = ConsoleCapture.Run(["export", run.ConfigPath, "--out", output, "--format", "merged", .. run.SetArguments()]);

            exitCode.Should().Be(1);
            error.Should().Be($"error: cannot write the export to '{output}': No space left on device; nothing was left there\n");
            Directory.GetFileSystemEntries(disk).Should().BeEmpty();
        }
    }

    public void Dispose() => _folder.Dispose();
}
