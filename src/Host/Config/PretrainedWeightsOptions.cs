using System.ComponentModel.DataAnnotations;

namespace Pipeline.Host.Config;

/// <summary>
/// Where one component's pretrained weights come from (YAML <c>model.weights.&lt;component&gt;</c>): a Hugging Face
/// checkpoint directory, loaded after the model is built and before adapters attach.
/// </summary>
public sealed record PretrainedWeightsOptions
{
    /// <summary>
    /// The checkpoint directory (relative to the YAML file's folder unless absolute): <c>config.json</c> plus
    /// <c>model.safetensors</c>, or shards listed by <c>model.safetensors.index.json</c>.
    /// </summary>
    [Required]
    public string Path { get; init; } = "";

    /// <summary>
    /// Whether missing tensors (the component has them, the checkpoint does not) and unexpected ones (the checkpoint
    /// has them and no known part of it explains them) are errors. Default true. With false they are logged, and
    /// missing tensors keep their fresh initialisation. Shape and <c>config.json</c> mismatches are always errors.
    /// </summary>
    public bool Strict { get; init; } = true;
}
