using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Adapters.Mma;

/// <summary>
/// A grouped linear map <c>in -> out</c> (a 1x1 <c>nn.Conv1d</c> with <c>groups</c>, without the kernel axis): output
/// group g, features <c>[g out/G, (g+1) out/G)</c>, reads only input group g, features <c>[g in/G, (g+1) in/G)</c>.
/// <c>weight</c> is <c>out x (in / G)</c> (row o holds the weights of output o over its group's inputs), <c>bias</c> is
/// <c>out</c>; both start at zero, so a fresh map outputs zeros.
/// </summary>
public sealed class GroupedLinear : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly int _groups;
    private readonly int _inFeatures;
    private readonly int _outFeatures;

    /// <param name="inFeatures">Input features; divisible by <paramref name="groups"/>.</param>
    /// <param name="outFeatures">Output features; divisible by <paramref name="groups"/>.</param>
    /// <param name="groups">The number of groups G.</param>
    /// <param name="device">Where to create the parameters.</param>
    public GroupedLinear(int inFeatures, int outFeatures, int groups, Device? device = null) : base(nameof(GroupedLinear))
    {
        if (groups < 1 || inFeatures % groups != 0 || outFeatures % groups != 0)
            throw new ArgumentException($"groups ({groups}) must divide both in ({inFeatures}) and out ({outFeatures}) features", nameof(groups));
        _groups = groups;
        _inFeatures = inFeatures;
        _outFeatures = outFeatures;
        weight = new Parameter(zeros(outFeatures, inFeatures / groups, device: device));
        bias = new Parameter(zeros(outFeatures, device: device));
        RegisterComponents();
    }

    /// <summary>The weight, <c>out x (in / G)</c> (state-dict key <c>weight</c>).</summary>
    public Parameter Weight => weight;

    /// <summary>The bias, <c>out</c> (state-dict key <c>bias</c>).</summary>
    public Parameter Bias => bias;

    /// <summary>Maps <c>... x in</c> to <c>... x out</c>.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        long[] leading = input.shape[..^1];
        int inPerGroup = _inFeatures / _groups, outPerGroup = _outFeatures / _groups;
        Tensor grouped = input.reshape(-1, _groups, inPerGroup);
        Tensor kernels = weight.view(_groups, outPerGroup, inPerGroup);
        Tensor output = einsum("ngi,goi->ngo", grouped, kernels).reshape([.. leading, _outFeatures]) + bias;
        return output.MoveToOuterDisposeScope();
    }
}
