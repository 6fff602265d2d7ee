using Pipeline.Host.Config;
using Pipeline.Host.Data;

namespace Pipeline.Host.Training;

/// <summary>
/// The tokenised samples of a run: pretraining, instruction training and held-out evaluation. Splits read from files
/// live in <see cref="TokenizedSampleFile"/>s, which disposing the splits deletes.
/// </summary>
public sealed record DataSplits(IReadOnlyList<TokenizedSample> Pretrain, IReadOnlyList<TokenizedSample> Train, IReadOnlyList<TokenizedSample> Eval)
    : IDisposable
{
    /// <summary>The split a stage trains on.</summary>
    public IReadOnlyList<TokenizedSample> Get(DataSplit split) => split == DataSplit.Pretrain ? Pretrain : Train;

    /// <summary>The split named <paramref name="split"/>: <c>pretrain</c>, <c>train</c> or <c>eval</c>.</summary>
    public IReadOnlyList<TokenizedSample> Named(string split) => split switch
    {
        "pretrain" => Pretrain,
        "train" => Train,
        "eval" => Eval,
        _ => throw new ArgumentException($"unknown split '{split}'", nameof(split)),
    };

    /// <summary>Deletes the splits' sample files, if any.</summary>
    public void Dispose()
    {
        foreach (var split in new[] { Pretrain, Train, Eval }.Distinct()) (split as IDisposable)?.Dispose();
    }
}
