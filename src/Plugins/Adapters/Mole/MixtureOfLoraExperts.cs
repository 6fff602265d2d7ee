using Pipeline.Plugins.Adapters.Lora;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Adapters.Mole;

/// <summary>
/// The delta of one projection (gate, up or down) of a routed feed-forward block: K LoRA experts, each a
/// <see cref="LoraDelta"/> (<c>(alpha / r) * B_k(A_k(dropout(x)))</c>, B zero at start). With sparse dispatch a token's
/// delta is its selected expert's, unscaled by the router probability (times the straight-through factor, which is 1 in
/// value); with dense dispatch it is <c>sum_k p_k delta_k</c>. The expert choice is the one the block's
/// <see cref="TokenRouter"/> made for the token. State-dict keys: <c>experts.{k}.lora_A.weight</c> (<c>r x in</c>) and
/// <c>experts.{k}.lora_B.weight</c> (<c>out x r</c>).
/// </summary>
public sealed class MixtureOfLoraExperts : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "experts")]
    private readonly ModuleList<LoraDelta> _experts;

    // The mailbox the block's router writes; a plain object, not a module.
    private readonly LayerRouting _routing;

    /// <param name="inFeatures">Input features of the adapted projection.</param>
    /// <param name="outFeatures">Output features of the adapted projection.</param>
    /// <param name="experts">The number of experts K.</param>
    /// <param name="rank">Each expert's rank r.</param>
    /// <param name="scale">Each expert's factor <c>alpha / r</c>.</param>
    /// <param name="dropout">Dropout probability on each expert's input.</param>
    /// <param name="dispatch">Sparse (the method) or dense (for comparison).</param>
    /// <param name="routing">Where the block's router publishes its routing.</param>
    /// <param name="device">Where to create the parameters.</param>
    /// <param name="generator">Random source for the experts' A; <c>null</c> for the global one.</param>
    internal MixtureOfLoraExperts(int inFeatures, int outFeatures, int experts, int rank, double scale, double dropout,
        ExpertDispatch dispatch, LayerRouting routing, Device? device, Generator? generator) : base(nameof(MixtureOfLoraExperts))
    {
        OutFeatures = outFeatures;
        Dispatch = dispatch;
        _routing = routing;
        _experts = new ModuleList<LoraDelta>(Enumerable.Range(0, experts)
            .Select(_ => new LoraDelta(inFeatures, outFeatures, rank, scale, dropout, device, generator)).ToArray());
        RegisterComponents();
    }

    /// <summary>Output features of the adapted projection.</summary>
    public int OutFeatures { get; }

    /// <summary>How the experts are computed.</summary>
    public ExpertDispatch Dispatch { get; }

    /// <summary>The experts, in expert-index order.</summary>
    public IReadOnlyList<LoraDelta> Experts => [.. _experts];

    /// <summary>The delta for every token of <paramref name="input"/> (<c>... x in</c>), shaped <c>... x out</c>.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        RoutedTokens routed = _routing.For(input);
        Tensor delta = Dispatch == ExpertDispatch.Sparse
            ? SparseDelta(input, routed)
            : DenseDelta(input.reshape(-1, input.shape[^1]), routed);
        long[] shape = [.. input.shape[..^1], OutFeatures];
        return delta.reshape(shape).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs each expert on its own tokens only, all experts at once: the tokens gathered into per-expert tiles
    /// (<see cref="ExpertTiles"/>, shared with the other mixtures that read the same input), each tile multiplied by its
    /// expert's A and then B in two batched products, and every token's row read back in token order. The factor
    /// <c>alpha / r</c> and the straight-through factor (1 in value) scale the rank-r hidden state, r numbers a token.
    /// An expert without tokens is not part of the computation and gets no gradient.
    /// </summary>
    private Tensor SparseDelta(Tensor input, RoutedTokens routed)
    {
        ExpertTiles tiles = routed.Tiles!;
        if (tiles.ActiveExperts.Length == 0) return zeros(0, OutFeatures, dtype: input.dtype, device: input.device);
        Tensor gathered = tiles.Gather(input);
        double dropout = _experts[0].Dropout;
        if (training && dropout > 0) gathered = nn.functional.dropout(gathered, dropout, training: true);
        // Laid out like the LoRA delta's products (LoraDelta.forward), which libtorch's CPU products compute several times
        // faster than results only r wide: per tile, A gathered^T is r x rows, and B^T is r x out row-major, so the
        // forward and the gradients of A and B have no r-wide result. One remains: a batched product's backward gives
        // the hidden state's gradient in its rows x r shape.
        Tensor down = stack(tiles.ActiveExperts.Select(k => _experts[k].A), 0).index_select(0, tiles.TileExpert);
        Tensor upTransposed = stack(tiles.ActiveExperts.Select(k => _experts[k].B.t()), 0).index_select(0, tiles.TileExpert);
        Tensor hiddenT = down.bmm(gathered.transpose(1, 2));
        hiddenT = routed.PaddedGate is { } gate
            ? hiddenT * (gate.to_type(hiddenT.dtype) * _experts[0].Scale).view(tiles.Tiles, 1, tiles.TileRows)
            : hiddenT.mul_(_experts[0].Scale);
        Tensor output = hiddenT.transpose(1, 2).bmm(upTransposed);
        return output.view(-1, OutFeatures).index_select(0, tiles.TokenRows);
    }

    /// <summary>Every expert on every token, weighted by the router probabilities: <c>sum_k p_k delta_k</c>.</summary>
    private Tensor DenseDelta(Tensor tokens, RoutedTokens routed)
    {
        Tensor weights = routed.Weights!.to_type(tokens.dtype);
        Tensor? total = null;
        for (int k = 0; k < _experts.Count; k++)
        {
            Tensor term = _experts[k].call(tokens) * weights.narrow(1, k, 1);
            total = total is null ? term : total + term;
        }
        return total!;
    }
}
