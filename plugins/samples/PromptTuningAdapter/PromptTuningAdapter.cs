using Pipeline.Contracts.Adapters;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Samples.PromptTuning;

/// <summary>
/// An attached <c>prompt_tuning</c> adapter: a <see cref="SoftPrompt"/> on the LLM's sequence prefix. It is not an identity
/// at initialisation (prepended tokens change every output), so <see cref="StartsAsIdentity"/> is false; switched off, the
/// LLM leaves its positions out and computes what the base model computes. It cannot merge: its tokens are extra inputs,
/// not a change of any weight.
/// </summary>
public sealed class PromptTuningAdapter : IAdapter, IAdapterActivation
{
    /// <summary>The label of the soft prompt in <see cref="AttachedSites"/>.</summary>
    public const string PromptSite = "llm:sequence_prefix";

    private readonly SoftPrompt _prompt;
    private readonly ITokenEmbeddings _vocabulary;
    private readonly PromptInit _init;
    private readonly long _seed;

    /// <param name="name">The adapter instance's name.</param>
    /// <param name="prompt">The attached soft prompt.</param>
    /// <param name="vocabulary">The LLM's token embeddings the prompt starts from (read when set, never kept as a copy).</param>
    /// <param name="init">How the starting values are made.</param>
    /// <param name="seed">The adapter's seed (<see cref="AdapterBuildContext.Seed"/>): which rows, or which noise.</param>
    public PromptTuningAdapter(string name, SoftPrompt prompt, ITokenEmbeddings vocabulary, PromptInit init, long seed)
    {
        Name = name;
        _prompt = prompt;
        _vocabulary = vocabulary;
        _init = init;
        _seed = seed;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> AttachedSites => [PromptSite];

    /// <summary>False: the soft tokens are extra inputs, not a change of a weight.</summary>
    public bool CanMerge => false;

    /// <summary>False: the prepended tokens change the output from the start (see the class summary).</summary>
    public bool StartsAsIdentity => false;

    /// <summary>The soft prompt (its <see cref="SoftPrompt.Embeddings"/> are the trained parameters).</summary>
    public SoftPrompt Prompt => _prompt;

    /// <summary>
    /// The vocabulary rows the tokens start from with <c>init: vocabulary</c>: the first <see cref="SoftPrompt.Length"/> rows
    /// of a permutation of the vocabulary drawn with the adapter's seed (distinct unless the vocabulary is smaller than the
    /// prompt, when further permutations follow), the same at build time and at activation; empty with <c>init: random</c>.
    /// </summary>
    public IReadOnlyList<long> VocabularyRows => _init == PromptInit.Vocabulary ? DrawRows(_prompt.Length, _vocabulary.VocabularySize, _seed) : [];

    /// <inheritdoc />
    public void Merge() => throw new NotSupportedException($"adapter '{Name}' (prompt_tuning) cannot be merged: its soft tokens are extra inputs, not a change of a weight");

    /// <inheritdoc />
    public void Unmerge() => throw new NotSupportedException($"adapter '{Name}' (prompt_tuning) cannot be merged: its soft tokens are extra inputs, not a change of a weight");

    /// <summary>
    /// Sets the soft tokens again from the token embeddings as they are now, when the first stage that trains the adapter
    /// starts: an earlier stage may have trained the embeddings since the model was built.
    /// </summary>
    public void Activate() => SetStartingValues();

    /// <summary>
    /// Copies the starting values into the soft tokens under <c>no_grad</c>: the chosen vocabulary rows, or seeded noise
    /// at the table's standard deviation. Nothing to copy on the meta device.
    /// </summary>
    internal void SetStartingValues()
    {
        Tensor table = _vocabulary.Weight;
        if (table.device.type == DeviceType.META) return;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var generator = new Generator(unchecked((ulong)_seed));
        Tensor start = _init == PromptInit.Vocabulary
            ? table.index_select(0, tensor(VocabularyRows.ToArray(), device: table.device))
            : randn(_prompt.Length, table.shape[1], generator: generator) * table.to_type(ScalarType.Float32).std().cpu();
        _prompt.Embeddings.copy_(start);
    }

    // Distinct rows while the vocabulary lasts; beyond it (a vocabulary smaller than the prompt) another permutation follows.
    private static List<long> DrawRows(int count, int vocabularySize, long seed)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        var rows = new List<long>(count);
        while (rows.Count < count)
        {
            using var permutation = randperm(vocabularySize, generator: generator);
            rows.AddRange(permutation.data<long>().Take(count - rows.Count));
        }
        return rows;
    }
}
