using static TorchSharp.torch;

namespace Pipeline.Plugins.Adapters.Mole;

/// <summary>
/// One layer's tokens laid out for sparse dispatch as fixed-size tiles, each tile holding the tokens of one expert:
/// expert after expert, every expert's tokens fill <c>ceil(n_k / TileRows)</c> tiles and the last one is padded. All
/// experts of a mixture then run as two batched products (<c>tiles x TileRows x in</c> times each tile's expert's A,
/// then its B) whatever K is, instead of 2K small products, which on a multi-threaded CPU cost more in thread
/// hand-overs than in arithmetic. Padding rows repeat token 0; their outputs are never read and their gradients are
/// zero. Built once per layer by the router and shared by the layer's gate, up and down mixtures.
/// </summary>
internal sealed class ExpertTiles
{
    // The last input gathered into tiles, kept so that the gate and up mixtures, which read the same block input, gather it once.
    private Tensor? _gatheredSource;
    private Tensor? _gathered;

    private ExpertTiles(int[] activeExperts, long tileRows, long tiles, Tensor tileExpert, Tensor paddedSource, Tensor tokenRows)
    {
        ActiveExperts = activeExperts;
        TileRows = tileRows;
        Tiles = tiles;
        TileExpert = tileExpert;
        PaddedSource = paddedSource;
        TokenRows = tokenRows;
    }

    /// <summary>The experts that received at least one token, in expert order; experts outside it compute nothing.</summary>
    public int[] ActiveExperts { get; }

    /// <summary>Rows per tile.</summary>
    public long TileRows { get; }

    /// <summary>The number of tiles.</summary>
    public long Tiles { get; }

    /// <summary>Each tile's expert as a position in <see cref="ActiveExperts"/> (<c>Tiles</c>, int64).</summary>
    public Tensor TileExpert { get; }

    /// <summary>The token each padded row holds (<c>Tiles x TileRows</c> entries, int64); 0 for padding rows.</summary>
    public Tensor PaddedSource { get; }

    /// <summary>The padded row of each token (<c>T</c>, int64): where its delta is read back from.</summary>
    public Tensor TokenRows { get; }

    /// <summary>Whether the tensors are still alive.</summary>
    public bool IsAlive => !TileExpert.IsInvalid && !PaddedSource.IsInvalid && !TokenRows.IsInvalid;

    /// <summary>
    /// The rows per tile for <paramref name="tokens"/> tokens over <paramref name="experts"/> experts: about a quarter of
    /// a balanced expert's share, so padding adds at most a quarter of the tokens, and at least 8.
    /// </summary>
    public static long RowsPerTile(long tokens, int experts) => Math.Max(8, (tokens + 4L * experts - 1) / (4L * experts));

    /// <summary>
    /// Lays out <paramref name="tokens"/> tokens whose expert is <paramref name="chosen"/> (<c>T</c>, int64) and of which
    /// expert k received <paramref name="perExpert"/>[k], in tiles of <paramref name="tileRows"/> rows (tokens of one
    /// expert keep their order). The tensors live in the caller's dispose scope.
    /// </summary>
    public static ExpertTiles Build(Tensor chosen, long[] perExpert, long tokens, long tileRows)
    {
        var active = new List<int>();
        var tileExpert = new List<long>();
        var sortedRows = new long[tokens];
        long position = 0;
        for (int k = 0; k < perExpert.Length; k++)
        {
            if (perExpert[k] == 0) continue;
            long firstRow = tileExpert.Count * tileRows;
            for (long i = 0; i < perExpert[k]; i++) sortedRows[position++] = firstRow + i;
            long expertTiles = (perExpert[k] + tileRows - 1) / tileRows;
            for (long t = 0; t < expertTiles; t++) tileExpert.Add(active.Count);
            active.Add(k);
        }
        Device device = chosen.device;
        Tensor order = chosen.sort(stable: true).Indices;
        Tensor rowOfSorted = tensor(sortedRows, device: device);
        Tensor tokenRows = zeros(tokens, dtype: ScalarType.Int64, device: device).scatter_(0, order, rowOfSorted);
        Tensor paddedSource = zeros(tileExpert.Count * tileRows, dtype: ScalarType.Int64, device: device).scatter_(0, rowOfSorted, order);
        return new ExpertTiles([.. active], tileRows, tileExpert.Count, tensor(tileExpert.ToArray(), device: device), paddedSource, tokenRows);
    }

    /// <summary>
    /// The rows of <paramref name="input"/> (<c>... x features</c>, T rows once flattened) in tiles,
    /// <c>Tiles x TileRows x features</c>. The result for the same input object is computed once and shared; it lives as
    /// long as <paramref name="input"/>'s dispose scope.
    /// </summary>
    public Tensor Gather(Tensor input)
    {
        if (ReferenceEquals(_gatheredSource, input) && _gathered is { IsInvalid: false } cached) return cached;
        using var scope = NewDisposeScope();
        Tensor gathered = input.reshape(-1, input.shape[^1]).index_select(0, PaddedSource).view(Tiles, TileRows, input.shape[^1]);
        _gatheredSource = input;
        _gathered = gathered.MoveToOtherDisposeScope(input);
        return _gathered;
    }

    /// <summary>Moves the layout's tensors into the dispose scope of <paramref name="owner"/>.</summary>
    public ExpertTiles MoveToOtherDisposeScope(Tensor owner)
    {
        TileExpert.MoveToOtherDisposeScope(owner);
        PaddedSource.MoveToOtherDisposeScope(owner);
        TokenRows.MoveToOtherDisposeScope(owner);
        return this;
    }
}
