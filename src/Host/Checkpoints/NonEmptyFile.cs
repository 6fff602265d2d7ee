namespace Pipeline.Host.Checkpoints;

/// <summary>
/// Refuses a checkpoint file that is empty or not a regular file before anything opens it: opening a FIFO blocks until
/// a writer comes, and a device reads without end. FIFOs, devices and sockets all report a length of 0, as an empty
/// file does, and no checkpoint file (<c>latest</c>, <c>trainer_state.json</c>, the safetensors files) is valid empty.
/// </summary>
internal static class NonEmptyFile
{
    /// <summary>
    /// Throws <see cref="InvalidDataException"/> naming <paramref name="path"/> when it, or the file its symbolic links end
    /// at, exists with a length of 0 (a link's own length is that of the path it holds).
    /// </summary>
    public static void Require(string path)
    {
        var file = new FileInfo(path);
        if (file.LinkTarget is not null && file.ResolveLinkTarget(returnFinalTarget: true) is { } target) file = new FileInfo(target.FullName);
        if (file is { Exists: true, Length: 0 })
            throw new InvalidDataException($"'{path}' is empty or not a regular file (a FIFO or a device, say); refusing to read it");
    }
}
