namespace Pipeline.Samples.PromptTuning;

/// <summary>Where the soft tokens of a <c>prompt_tuning</c> adapter start (YAML <c>init</c>).</summary>
public enum PromptInit
{
    /// <summary>
    /// <c>vocabulary</c>: each soft token is a copy of a vocabulary embedding, <c>tokens</c> distinct rows of the LLM's
    /// token-embedding table drawn with the adapter's seed (rows repeat only when the vocabulary is smaller than the
    /// prompt), so the prompt starts among the inputs the model knows.
    /// </summary>
    Vocabulary,

    /// <summary>
    /// <c>random</c>: each entry is drawn from a normal distribution with mean 0 and the standard deviation of the
    /// token-embedding table (with the adapter's seed), so the prompt starts at the scale of real tokens.
    /// </summary>
    Random,
}
