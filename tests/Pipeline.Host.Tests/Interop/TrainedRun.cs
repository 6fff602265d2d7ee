using Pipeline.Host.Checkpoints;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Tests.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Interop;

/// <summary>
/// A tiny pipeline with a checkpoint as a run would leave it: randomised adapter and projector weights (LoRA's B is no
/// longer zero, so the adapter changes the outputs) in <c>out/checkpoints/step-00010/model.safetensors</c>, named by
/// <c>out/checkpoints/latest</c>; and the outputs of the model that wrote it.
/// </summary>
internal sealed class TrainedRun : IDisposable
{
    public TrainedRun(string yaml, params string[] overrides)
    {
        Pipeline = new TinyPipeline(yaml);
        Overrides = ["model.llm.vocab_size=40", .. overrides];
        using var built = TinyModels.Build(Pipeline.ConfigPath, overrides);
        TinyModels.Randomise(built, n => built.Inventory.IsAdapter(n) || n.StartsWith("projectors.", StringComparison.Ordinal), seed: 11);
        Trained = built.Inventory.All.Where(p => built.Inventory.IsAdapter(p.Name) || p.Name.StartsWith("projectors.", StringComparison.Ordinal))
            .Select(p => p.Name).ToList();
        string checkpoints = CheckpointLocation.Folder(Pipeline.OutputDirectory);
        CheckpointDirectory = Path.Combine(checkpoints, "step-00010");
        Directory.CreateDirectory(CheckpointDirectory);
        SafetensorsWriter.Write(Path.Combine(CheckpointDirectory, CheckpointLocation.WeightsFileName),
            built.Inventory.All.Where(p => Trained.Contains(p.Name)).Select(p => (p.Name, (Tensor)p.Parameter)));
        File.WriteAllText(Path.Combine(checkpoints, CheckpointLocation.LatestFileName), "step-00010\n");
        LlmLogits = TinyModels.LlmLogits(built);
        VisionFeatures = TinyModels.VisionFeatures(built);
    }

    public TinyPipeline Pipeline { get; }

    public string ConfigPath => Pipeline.ConfigPath;

    /// <summary>The <c>--set</c> overrides the run was built with (the 40-word vocabulary first).</summary>
    public string[] Overrides { get; }

    public string CheckpointDirectory { get; }

    /// <summary>The model state-dict keys in the checkpoint.</summary>
    public IReadOnlyList<string> Trained { get; }

    public Tensor LlmLogits { get; }

    public Tensor VisionFeatures { get; }

    /// <summary>A fresh directory under the pipeline's folder to export into.</summary>
    public string ExportDirectory(string name) => Path.Combine(Pipeline.Directory, name);

    /// <summary><c>--set</c> arguments for the command line.</summary>
    public IEnumerable<string> SetArguments() => Overrides.SelectMany(o => new[] { "--set", o });

    public void Dispose()
    {
        LlmLogits.Dispose();
        VisionFeatures.Dispose();
        Pipeline.Dispose();
    }
}
