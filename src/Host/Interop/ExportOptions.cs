using Pipeline.Host.Safetensors;

namespace Pipeline.Host.Interop;

/// <summary>What <c>pipeline export</c> was asked for.</summary>
public sealed record ExportOptions
{
    /// <summary>The directory to write; it must not exist or be empty.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The format.</summary>
    public ExportFormat Format { get; init; } = ExportFormat.Peft;

    /// <summary>A checkpoint directory or a run's output directory; <c>null</c> takes the YAML's <c>run.output_dir</c>.</summary>
    public string? Checkpoint { get; init; }

    /// <summary>The adapter to write (<c>peft</c>: needed when there are several; <c>adapters</c>: all when <c>null</c>).</summary>
    public string? Adapter { get; init; }

    /// <summary>PEFT's <c>base_model_name_or_path</c>; <c>null</c> records the component's <c>model.weights</c> path, if any.</summary>
    public string? BaseModel { get; init; }

    /// <summary>The stored type of floating-point tensors.</summary>
    public SafetensorsDType FloatType { get; init; } = SafetensorsDType.F32;

    /// <summary>The shard size limit of a merged export.</summary>
    public long MaxShardBytes { get; init; } = HuggingFaceCheckpointWriter.DefaultMaxShardBytes;
}
