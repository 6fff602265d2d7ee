using Pipeline.Host.Tests.Cli;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Checkpoints;

/// <summary>
/// A tiny run on LLaVA-style files (<see cref="LlavaDataFolder"/>: three samples per split, a word vocabulary built from
/// them), trained once through the command line with a checkpoint after every step: <c>checkpoint-000001</c> (mid-stage
/// 0, with optimizer moments), <c>checkpoint-000002</c> (end of stage 0) and <c>checkpoint-000003</c> (end of the run,
/// which <c>latest</c> names). Tests change a <see cref="Copy"/> of it, never the run itself.
/// </summary>
public sealed class TrainedLlavaRun : IDisposable
{
    public static readonly string[] Settings = ["--set", "run.checkpoint.every=1"];

    private readonly LlavaDataFolder _data;

    public TrainedLlavaRun()
    {
        _data = new LlavaDataFolder();
        _data.WriteTrain();
        var (exitCode, _, error) = ConsoleCapture.Run(["train", _data.ConfigPath, .. Settings]);
        exitCode.Should().Be(0, error);
    }

    /// <summary>The folder holding <c>pipeline.yaml</c>, <c>data/</c> and <c>out/</c>.</summary>
    public string Directory => Path.GetDirectoryName(_data.ConfigPath)!;

    /// <summary>A copy of the whole folder (configuration, data and output directory) to change.</summary>
    public RunCopy Copy() => new(Directory);

    public void Dispose() => _data.Dispose();
}
