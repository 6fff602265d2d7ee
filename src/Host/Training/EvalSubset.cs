using Pipeline.Host.Config;

namespace Pipeline.Host.Training;

/// <summary>
/// The fixed part of the held-out split that a stage's evaluations every <c>eval_every</c> steps use
/// (<c>stages[].eval_samples</c>). The indexes are the first <c>eval_samples</c> of one permutation of the split drawn
/// from a generator seeded by <c>run.seed</c> alone, put back in split order. So every such evaluation of a run, in every
/// stage and after a resume, sees the same samples; a smaller <c>eval_samples</c> sees a part of what a larger one sees;
/// and nothing is drawn from the generators training uses.
/// </summary>
public sealed class EvalSubset
{
    // Keeps this generator's stream apart from the sample orders', which are seeded from run.seed plus multiples of 7919.
    private const long SeedSalt = 0x5EED_E7A1;

    private EvalSubset(IReadOnlyList<int> indexes, int splitCount)
    {
        Indexes = indexes;
        SplitCount = splitCount;
    }

    /// <summary>Indexes into the held-out split, ascending.</summary>
    public IReadOnlyList<int> Indexes { get; }

    /// <summary>Samples in the whole held-out split.</summary>
    public int SplitCount { get; }

    /// <summary>
    /// The first <paramref name="size"/> indexes of a seeded permutation of <c>0 .. splitCount - 1</c>, ascending; null
    /// when <paramref name="size"/> is 0 or not less than <paramref name="splitCount"/> (the whole split is used).
    /// </summary>
    public static EvalSubset? Choose(int splitCount, int size, long runSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(splitCount);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (size == 0 || size >= splitCount) return null;
        int[] permutation = Enumerable.Range(0, splitCount).ToArray();
        new Random((int)((runSeed ^ SeedSalt) & int.MaxValue)).Shuffle(permutation);
        int[] chosen = permutation[..size];
        Array.Sort(chosen);
        return new EvalSubset(chosen, splitCount);
    }

    /// <summary>
    /// The subset for <paramref name="stage"/>'s periodic evaluations, or null when they use the whole split (no
    /// <c>eval_every</c> or <c>eval_samples</c>, or <c>eval_samples</c> at least the split's size); says which in
    /// <paramref name="log"/> when <c>eval_samples</c> is set.
    /// </summary>
    public static EvalSubset? ForStage(StageConfig stage, int splitCount, long runSeed, Action<string> log)
    {
        if (!stage.Evaluate || stage.EvalEvery == 0 || stage.EvalSamples == 0) return null;
        var subset = Choose(splitCount, stage.EvalSamples, runSeed);
        log(subset is null
            ? $"stage '{stage.Name}': eval_samples {stage.EvalSamples} is not less than the {splitCount} held-out samples; " +
              $"the evaluations every {stage.EvalEvery} steps use them all"
            : $"stage '{stage.Name}': the evaluations every {stage.EvalEvery} steps use the same {subset.Indexes.Count} " +
              $"of the {splitCount} held-out samples (eval_samples); the stage-end evaluation uses them all");
        return subset;
    }

    /// <summary>The chosen items of <paramref name="split"/>, in split order; it must be the split the indexes were chosen for.</summary>
    public IReadOnlyList<T> Apply<T>(IReadOnlyList<T> split)
    {
        if (split.Count != SplitCount)
            throw new ArgumentException($"the subset was chosen from {SplitCount} samples, but the split has {split.Count}", nameof(split));
        return Indexes.Select(i => split[i]).ToList();
    }
}
