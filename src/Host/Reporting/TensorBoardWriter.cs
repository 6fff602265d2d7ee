using TorchSharp;

namespace Pipeline.Host.Reporting;

/// <summary>
/// Writes every metrics record of a run as TensorBoard scalars (tags and steps as <see cref="TensorBoardScalars"/>
/// makes them) to one new event file in <see cref="Directory"/>, through TorchSharp's <c>SummaryWriter</c>; each
/// event is appended and the file closed at once, so a killed run leaves every event before the kill readable.
/// </summary>
public sealed class TensorBoardWriter
{
    /// <summary>The folder of the output directory the event files go to.</summary>
    public const string FolderName = "tensorboard";

    private readonly TorchSharp.Modules.SummaryWriter _writer;
    private readonly TensorBoardScalars _scalars;

    /// <summary>Starts a new event file (named by time, host and process, so a resumed run adds one beside the earlier ones).</summary>
    /// <param name="directory">The event files' folder, created when missing; TensorBoard shows it as one run.</param>
    /// <param name="scalars">Tags and global steps of the run's records.</param>
    public TensorBoardWriter(string directory, TensorBoardScalars scalars)
    {
        // Without createRunName the writer puts its file straight into the folder, not into a dated subfolder.
        _writer = torch.utils.tensorboard.SummaryWriter(directory);
        _scalars = scalars;
    }

    /// <summary>The event files' folder.</summary>
    public string Directory => _writer.LogDir;

    /// <summary>Appends the scalars of one metrics record (event values are single precision, steps 32-bit).</summary>
    public void Write(IReadOnlyDictionary<string, object> record)
    {
        foreach (var scalar in _scalars.Of(record))
            _writer.add_scalar(scalar.Tag, (float)scalar.Value, checked((int)scalar.Step));
    }
}
