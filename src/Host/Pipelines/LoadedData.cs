using Pipeline.Host.Data;
using Pipeline.Host.Training;

namespace Pipeline.Host.Pipelines;

/// <summary>A pipeline's data as read from disk, before it is checked against the model.</summary>
/// <param name="Tokenizer">The tokenizer (a word vocabulary built from every readable sample when none is configured).</param>
/// <param name="Splits">The samples that were read successfully.</param>
/// <param name="Problems">The samples that could not be read, by split, in file order.</param>
public sealed record LoadedData(ITextTokenizer Tokenizer, DataSplits Splits, IReadOnlyList<SplitProblem> Problems);
