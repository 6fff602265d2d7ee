using Pipeline.Host.Data;
using Pipeline.Host.Data.Templates;

namespace Pipeline.Host.Config;

/// <summary>The data (YAML <c>data</c>).</summary>
public sealed record DataConfig : Pipeline.Contracts.Options.IValidatableOptions
{
    /// <summary><c>synthetic</c> (built-in, generated from a seed) or <c>llava_json</c> (conversation files on disk).</summary>
    public DataSource Source { get; init; } = DataSource.Synthetic;

    /// <summary>Settings of the built-in synthetic set.</summary>
    public SyntheticDataOptions Synthetic { get; init; } = new();

    /// <summary>Settings of LLaVA-style JSON data.</summary>
    public LlavaDataOptions Llava { get; init; } = new();

    /// <summary>
    /// What a bad sample (missing or corrupt media, placeholders that do not match, too many tokens, media the encoder
    /// refuses) does: <c>error</c> stops the run before training, <c>skip</c> leaves it out and counts it.
    /// </summary>
    public DataErrorPolicy OnError { get; init; } = DataErrorPolicy.Error;

    /// <summary>
    /// The conversation format samples are written in before tokenizing: <c>plain</c>, <c>llava_v1</c>, <c>llama2</c>,
    /// <c>llama3</c> or <c>chatml</c> (docs/DATA-TEMPLATES.md).
    /// </summary>
    public ConversationTemplateName Template { get; init; } = ConversationTemplateName.Plain;

    /// <summary>
    /// The system prompt; empty for the template's default (Vicuna's system line for <c>llava_v1</c>, none for the
    /// others). <c>plain</c> has no system prompt, so setting one with it is an error.
    /// </summary>
    public string SystemPrompt { get; init; } = "";

    /// <summary>Samples per evaluation batch.</summary>
    public int EvalBatchSize { get; init; } = 64;

    /// <summary>
    /// Batches prepared ahead of the training step on a background thread (samples read, media decoded, rows padded),
    /// 0 to 64. 0 prepares each batch on the training thread when the step needs it. Default 2.
    /// </summary>
    public int PrefetchBatches { get; init; } = 2;

    /// <summary>
    /// Folder for the temporary files that hold each split's tokenised samples (about 4 bytes a token), relative to the
    /// YAML file; empty uses the system's temporary folder. Set it where a large data set's files fit on disk (a
    /// temporary folder in memory, tmpfs, would hold them in RAM). The files are unlinked as soon as they are opened
    /// (on Linux and macOS), so none is left behind, even by a killed run.
    /// </summary>
    public string CacheDir { get; init; } = "";

    public IEnumerable<Pipeline.Contracts.Options.OptionError> Validate()
    {
        if (EvalBatchSize < 1) yield return new("eval_batch_size", $"must be at least 1, got {EvalBatchSize}");
        if (PrefetchBatches is < 0 or > 64) yield return new("prefetch_batches", $"must be between 0 and 64, got {PrefetchBatches}");
        if (Source == DataSource.LlavaJson && string.IsNullOrEmpty(Llava.Train))
            yield return new("llava", "llava.train is required when source is llava_json");
        if (Template == ConversationTemplateName.Plain && SystemPrompt.Length > 0)
            yield return new("system_prompt", "the plain template has no system prompt; choose another data.template or remove data.system_prompt");
    }
}
