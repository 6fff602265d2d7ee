using Pipeline.Host.Config;
using Pipeline.Host.Data;

namespace Pipeline.Host.Training;

/// <summary>The samples of a run: pretraining, instruction training and held-out evaluation.</summary>
public sealed record DataSplits(IReadOnlyList<Sample> Pretrain, IReadOnlyList<Sample> Train, IReadOnlyList<Sample> Eval)
{
    /// <summary>The split a stage trains on.</summary>
    public IReadOnlyList<Sample> Get(DataSplit split) => split == DataSplit.Pretrain ? Pretrain : Train;

    /// <summary>Every sample of every split.</summary>
    public IEnumerable<Sample> All => Pretrain.Concat(Train).Concat(Eval);
}
