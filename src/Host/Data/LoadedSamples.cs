namespace Pipeline.Host.Data;

/// <summary>The usable samples of a data file and the problems of those that were not.</summary>
/// <param name="Samples">The samples that passed every check, in file order.</param>
/// <param name="Problems">One problem per rejected sample, in file order.</param>
public sealed record LoadedSamples(IReadOnlyList<Sample> Samples, IReadOnlyList<SampleProblem> Problems);
