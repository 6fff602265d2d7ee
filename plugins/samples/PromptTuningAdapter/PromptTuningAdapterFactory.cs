using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Composition;

namespace Pipeline.Samples.PromptTuning;

/// <summary>
/// The <c>prompt_tuning</c> adapter: <c>tokens</c> learned soft tokens prepended to the LLM's input and visible to every
/// later position; nothing else changes. The tokens start as copies of vocabulary embeddings (or seeded noise at their
/// scale), set when the model is built and again when the first stage that trains the adapter starts. See
/// docs/adapters/prompt-tuning.md.
/// </summary>
[ExportAdapter("prompt_tuning", Version = "0.1.0")]
public sealed class PromptTuningAdapterFactory : AdapterFactory<PromptTuningOptions>
{
    /// <inheritdoc />
    public override string Description => "Prompt tuning: learned soft tokens prepended to the LLM's input (sample third-party plugin)";

    /// <summary>Builds the soft prompt, sets its starting values and attaches it to the LLM's sequence prefix.</summary>
    /// <exception cref="AdapterTargetException">
    /// The model has no <c>llm</c> component, or it takes no sequence prefix or has no token embeddings.
    /// </exception>
    protected override IAdapter Attach(PromptTuningOptions options, AdapterBuildContext context)
    {
        IAdaptableComponent llm = context.Component("llm");
        ISequencePrefixSite site = llm.SequencePrefix
            ?? throw new AdapterTargetException($"adapter '{context.AdapterName}': component 'llm' takes no sequence prefix, so it cannot carry soft tokens");
        ITokenEmbeddings vocabulary = llm.TokenEmbeddings
            ?? throw new AdapterTargetException($"adapter '{context.AdapterName}': component 'llm' exposes no token embeddings to start the soft tokens from");
        var prompt = new SoftPrompt(options.Tokens, llm.Width, context.Device);
        var adapter = new PromptTuningAdapter(context.AdapterName, prompt, vocabulary, options.Init, context.Seed);
        adapter.SetStartingValues();
        site.Attach(context.AdapterName, prompt);
        return adapter;
    }
}
