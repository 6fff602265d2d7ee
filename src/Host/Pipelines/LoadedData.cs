using Pipeline.Host.Data;

namespace Pipeline.Host.Pipelines;

/// <summary>A pipeline's data after the first pass over it, before it is checked against the model.</summary>
/// <param name="Tokenizer">The tokenizer (a word vocabulary built from every readable sample when none is configured).</param>
/// <param name="Sources">Each split's source, in <see cref="DataReport.SplitNames"/> order.</param>
/// <param name="Problems">The items that could not be read as samples, by split, in file order.</param>
/// <param name="Counts">Well-formed samples per split.</param>
public sealed record LoadedData(ITextTokenizer Tokenizer, IReadOnlyList<SplitSource> Sources, IReadOnlyList<SplitProblem> Problems,
    IReadOnlyDictionary<string, int> Counts);
