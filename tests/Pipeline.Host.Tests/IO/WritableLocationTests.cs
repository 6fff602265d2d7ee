using Pipeline.Host.IO;
using Pipeline.Host.Tests.Data;
using Pipeline.Host.Tests.Support;

namespace Pipeline.Host.Tests.IO;

/// <summary>
/// <see cref="WritableLocation"/>: what stops a folder or file from being written, found without creating or changing
/// anything (the folder's entries are compared before and after every probe).
/// </summary>
public sealed class WritableLocationTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    private string Root => _folder.Path;

    private string[] Entries() => Directory.GetFileSystemEntries(Root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void A_missing_folder_under_a_writable_one_and_an_existing_folder_pass_and_nothing_is_created()
    {
        Directory.CreateDirectory(Path.Combine(Root, "existing"));
        var before = Entries();

        WritableLocation.FolderProblem(Path.Combine(Root, "a", "b", "c")).Should().BeNull();
        WritableLocation.FolderProblem(Path.Combine(Root, "existing")).Should().BeNull();
        WritableLocation.FileProblem(Path.Combine(Root, "existing", "metrics.jsonl")).Should().BeNull();

        Entries().Should().Equal(before);
    }

    [Fact]
    public void A_file_where_a_folder_must_be_or_above_it_is_named()
    {
        File.WriteAllText(Path.Combine(Root, "taken"), "x");

        WritableLocation.FolderProblem(Path.Combine(Root, "taken")).Should().Be("is a file, not a folder");
        WritableLocation.FolderProblem(Path.Combine(Root, "taken", "run", "x"))
            .Should().Be($"cannot be created: '{Root}/taken' is a file, not a folder");
        WritableLocation.FileProblem(Path.Combine(Root, "taken", "metrics.jsonl"))
            .Should().Be("cannot be created: its folder is a file, not a folder");
    }

    [Fact]
    public void A_folder_where_a_file_must_be_is_named()
    {
        Directory.CreateDirectory(Path.Combine(Root, "metrics.jsonl"));

        WritableLocation.FileProblem(Path.Combine(Root, "metrics.jsonl")).Should().Be("is a folder, not a file");
    }

    [Fact]
    public void A_symbolic_link_to_nowhere_and_a_loop_of_links_are_named()
    {
        File.CreateSymbolicLink(Path.Combine(Root, "dangling"), Path.Combine(Root, "nowhere", "run"));
        File.CreateSymbolicLink(Path.Combine(Root, "loop1"), "loop2");
        File.CreateSymbolicLink(Path.Combine(Root, "loop2"), "loop1");

        WritableLocation.FolderProblem(Path.Combine(Root, "dangling"))
            .Should().Be($"is a symbolic link to '{Root}/nowhere/run', which does not exist");
        WritableLocation.FolderProblem(Path.Combine(Root, "loop1", "run"))
            .Should().Be($"cannot be created: '{Root}/loop1' is a symbolic link that leads back to itself (through 'loop2')");
    }

    [Fact]
    public void A_symbolic_link_to_a_folder_is_the_folder()
    {
        Directory.CreateDirectory(Path.Combine(Root, "real"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "link"), Path.Combine(Root, "real"));

        WritableLocation.FolderProblem(Path.Combine(Root, "link")).Should().BeNull();
        WritableLocation.FolderProblem(Path.Combine(Root, "link", "new")).Should().BeNull();
    }

    [Fact]
    public void A_name_longer_than_255_bytes_is_named_before_anything_is_tried()
    {
        string name = string.Concat(Enumerable.Repeat("é", 128));

        WritableLocation.FolderProblem(Path.Combine(Root, name, "run"))
            .Should().Be("has a name of 256 bytes ('éééééééééééééééé...'), more than the 255 a file system allows");
        WritableLocation.FolderProblem(Path.Combine(Root, name[..127])).Should().BeNull("254 bytes fit");
    }

    [Fact]
    public void Probing_an_existing_file_leaves_its_bytes_and_time_alone()
    {
        string file = Path.Combine(Root, "metrics.jsonl");
        File.WriteAllText(file, "{\"step\": 1}\n");
        var written = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(file, written);

        WritableLocation.FileProblem(file).Should().BeNull();

        File.ReadAllText(file).Should().Be("{\"step\": 1}\n");
        File.GetLastWriteTimeUtc(file).Should().Be(written);
    }

    [PrivilegedFact]
    public void An_immutable_folder_refuses_even_root_and_so_does_an_immutable_file()
    {
        string folder = Path.Combine(Root, "frozen");
        Directory.CreateDirectory(folder);
        string file = Path.Combine(Root, "frozen.jsonl");
        File.WriteAllText(file, "x");
        var before = Entries();

        using (PrivilegedFileSystem.Immutable(folder))
        using (PrivilegedFileSystem.Immutable(file))
        {
            WritableLocation.FolderProblem(folder).Should().Be("cannot be written (permission denied: read-only, immutable or not yours)");
            WritableLocation.FolderProblem(Path.Combine(folder, "run"))
                .Should().Be($"cannot be created in '{folder}', which cannot be written (permission denied: read-only, immutable or not yours)");
            WritableLocation.FileProblem(file).Should().Be("cannot be written (permission denied: read-only, immutable or not yours)");
        }

        Entries().Should().Equal(before);
    }

    [PrivilegedFact]
    public void A_read_only_mount_is_named_by_the_system_s_reason()
    {
        string folder = Path.Combine(Root, "mounted");
        Directory.CreateDirectory(folder);

        using (PrivilegedFileSystem.ReadOnly(folder))
            WritableLocation.FolderProblem(folder).Should().Be("cannot be written (Read-only file system)");
    }

    public void Dispose() => _folder.Dispose();
}
