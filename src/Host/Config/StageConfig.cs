using System.ComponentModel.DataAnnotations;
using Pipeline.Contracts.Options;
using Pipeline.Contracts.Schedulers;

namespace Pipeline.Host.Config;

/// <summary>One training stage (an item of YAML <c>stages</c>).</summary>
public sealed record StageConfig : IValidatableOptions
{
    /// <summary>Words <see cref="Trainable"/> accepts besides component names.</summary>
    public static readonly IReadOnlyList<string> TrainableGroups = ["llm", "encoders", "projectors", "adapters"];

    /// <summary>The stage name, used in metrics.</summary>
    [Required]
    public string Name { get; init; } = "";

    /// <summary>The data split trained on: <c>pretrain</c> (captions and text) or <c>train</c> (instructions).</summary>
    public DataSplit Split { get; init; } = DataSplit.Train;

    /// <summary>
    /// What trains: any of <c>llm</c> (the LLM's own weights), <c>encoders</c> (every encoder's own weights), an
    /// encoder's name, <c>projectors</c>, <c>adapters</c> (every adapter parameter), an adapter's instance name (that
    /// adapter's parameters). Everything else is frozen. An adapter runs from the first stage that trains it on, and is
    /// switched off in the stages before it.
    /// </summary>
    public List<string> Trainable { get; init; } = ["adapters", "projectors"];

    /// <summary>Optimizer steps; set this or <see cref="Epochs"/>.</summary>
    public int Steps { get; init; }

    /// <summary>Passes over the split; used when <see cref="Steps"/> is 0.</summary>
    public double Epochs { get; init; }

    /// <summary>Samples per micro-batch.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Micro-batches whose gradients are summed (averaged) before each optimizer step.</summary>
    public int GradientAccumulation { get; init; } = 1;

    /// <summary>Clip the global gradient norm to this value; 0 disables clipping.</summary>
    public double ClipGradNorm { get; init; } = 1.0;

    /// <summary>Base learning rate per parameter group.</summary>
    public LearningRates LearningRate { get; init; } = new();

    /// <summary>AdamW weight decay, applied to matrices only (never to biases, norms or other 1-D parameters).</summary>
    public double WeightDecay { get; init; }

    /// <summary>AdamW beta1.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>AdamW beta2.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>The learning-rate schedule plugin; default constant.</summary>
    public PluginSelection Scheduler { get; init; } = new() { Plugin = "constant" };

    /// <summary>Evaluate on the held-out split every this many optimizer steps (and at the end); 0 evaluates only at the end.</summary>
    public int EvalEvery { get; init; }

    /// <summary>
    /// The evaluations every <see cref="EvalEvery"/> steps use this many held-out samples, the same ones each time
    /// (drawn once from <c>run.seed</c>); 0 uses the whole split, as does a number at least the split's size. The
    /// stage-end evaluation always uses the whole split, so without <see cref="EvalEvery"/> this changes nothing.
    /// </summary>
    public int EvalSamples { get; init; }

    /// <summary>Whether to evaluate at all in this stage.</summary>
    public bool Evaluate { get; init; } = true;

    public IEnumerable<OptionError> Validate()
    {
        if (Steps < 0) yield return new("steps", $"must not be negative, got {Steps}");
        if (Epochs < 0) yield return new("epochs", $"must not be negative, got {Epochs}");
        if (Steps == 0 && Epochs == 0) yield return new("steps", "set steps or epochs");
        if (BatchSize < 1) yield return new("batch_size", $"must be at least 1, got {BatchSize}");
        if (GradientAccumulation < 1) yield return new("gradient_accumulation", $"must be at least 1, got {GradientAccumulation}");
        if (ClipGradNorm < 0) yield return new("clip_grad_norm", $"must not be negative, got {ClipGradNorm}");
        if (Trainable.Count == 0) yield return new("trainable", "name at least one of: " + string.Join(", ", TrainableGroups) + ", an encoder name or an adapter name");
        if (LearningRate.Encoder < 0 || LearningRate.Llm < 0) yield return new("learning_rate", "must not be negative");
        if (EvalEvery < 0) yield return new("eval_every", $"must not be negative, got {EvalEvery}");
        if (EvalSamples < 0) yield return new("eval_samples", $"must not be negative, got {EvalSamples}");
        if (WeightDecay < 0) yield return new("weight_decay", $"must not be negative, got {WeightDecay}");
    }
}
