using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Adapters.Mma;

/// <summary>
/// LaVIN's MM-Adapter on one attention input <c>Z</c> (<c>B x N x C</c>):
/// <code>
/// w   = softmax((W_m Z[:, 0] + b_m) / tau)          per sample, two weights (router on position 0)
/// U   = dropout(W_d Z + b_d)                        C -> d, shared by both paths, no activation
/// Y_j = W_uj U + b_uj                               d -> C, grouped, zero-initialised (j = 0, 1)
/// Z'  = Z + s * (w_0 Y_0 + w_1 Y_1)
/// </code>
/// State-dict keys: <c>router.{weight,bias}</c> (<c>2 x C</c>, <c>2</c>), <c>down_proj.{weight,bias}</c> (<c>d x C</c>,
/// <c>d</c>), <c>up_proj_0.{weight,bias}</c> and <c>up_proj_1.{weight,bias}</c> (<c>C x d/G</c>, <c>C</c>); 20C + 10
/// parameters at d = 8, G = 2. With both up-projections at zero the module is an exact identity.
/// <para>
/// Without routing (MMA's <c>routing: false</c>, the ablation of the router) the block is a single path,
/// <c>Z' = Z + s * Y_0</c>: no router, no <c>up_proj_1</c>, keys <c>down_proj.*</c> and <c>up_proj_0.*</c> only,
/// <c>dC + d + C d/G + C</c> parameters (13C + 8 at d = 8, G = 2); the down-projection then draws first from the generator.
/// </para>
/// </summary>
public sealed class MixtureOfModalityAdapter : nn.Module<Tensor, Tensor>
{
    /// <summary>The number of weighted paths (and router outputs).</summary>
    public const int Paths = 2;

    // Null without routing: RegisterComponents skips null fields, so neither enters the state dict.
    [ComponentName(Name = "router")] private readonly Linear? _router;
    [ComponentName(Name = "down_proj")] private readonly Linear _down;
    [ComponentName(Name = "dropout")] private readonly Dropout _dropout;
    [ComponentName(Name = "up_proj_0")] private readonly GroupedLinear _up0;
    [ComponentName(Name = "up_proj_1")] private readonly GroupedLinear? _up1;
    private readonly double _temperature;
    private readonly double _scale;

    /// <param name="width">The hidden width C of the attention input.</param>
    /// <param name="bottleneck">The down-projection width d.</param>
    /// <param name="groups">Groups G of the up-projections; divides <paramref name="bottleneck"/> and <paramref name="width"/>.</param>
    /// <param name="temperature">tau of the router's softmax.</param>
    /// <param name="scale">s, the factor on the mixed paths.</param>
    /// <param name="dropout">Dropout probability on <c>U</c>.</param>
    /// <param name="device">Where to create the parameters.</param>
    /// <param name="generator">Random source for the router's and down-projection's initialisation; <c>null</c> for the global one.</param>
    /// <param name="routing">
    /// <c>false</c> for the single-path block <c>Z + s * Y_0</c> (no router, no <c>up_proj_1</c>; <paramref name="temperature"/> unused).
    /// </param>
    public MixtureOfModalityAdapter(int width, int bottleneck, int groups, double temperature, double scale, double dropout,
        Device? device = null, Generator? generator = null, bool routing = true) : base(nameof(MixtureOfModalityAdapter))
    {
        _temperature = temperature;
        _scale = scale;
        _router = routing ? nn.Linear(width, Paths, hasBias: true, device: device) : null;
        _down = nn.Linear(width, bottleneck, hasBias: true, device: device);
        _dropout = nn.Dropout(dropout);
        _up0 = new GroupedLinear(bottleneck, width, groups, device);
        _up1 = routing ? new GroupedLinear(bottleneck, width, groups, device) : null;
        using (no_grad())
        {
            // The router keeps nn.Linear's initialisation (uniform in +-1/sqrt(C)); the down-projection is Xavier-uniform
            // with a zero bias, as in LaVIN's code. Written out because TorchSharp's init functions take no generator.
            double routerBound = 1.0 / Math.Sqrt(width);
            _router?.weight!.uniform_(-routerBound, routerBound, generator);
            _router?.bias!.uniform_(-routerBound, routerBound, generator);
            double xavierBound = Math.Sqrt(6.0 / (width + bottleneck));
            _down.weight!.uniform_(-xavierBound, xavierBound, generator);
            _down.bias!.zero_();
        }
        RegisterComponents();
    }

    /// <summary>tau of the router's softmax.</summary>
    public double Temperature => _temperature;

    /// <summary>s, the factor on the mixed paths.</summary>
    public double Scale => _scale;

    /// <summary>Whether the block routes between two paths; <c>false</c> for the single path <c>Z + s * Y_0</c>.</summary>
    public bool Routing => _router is not null;

    /// <summary><c>W_m</c>, <c>2 x C</c> (<c>router.weight</c>).</summary>
    /// <exception cref="InvalidOperationException">The block has no router (<see cref="Routing"/> is false).</exception>
    public Parameter RouterWeight => Router.weight!;

    /// <summary><c>b_m</c>, <c>2</c> (<c>router.bias</c>).</summary>
    /// <exception cref="InvalidOperationException">The block has no router (<see cref="Routing"/> is false).</exception>
    public Parameter RouterBias => Router.bias!;

    /// <summary><c>W_d</c>, <c>d x C</c> (<c>down_proj.weight</c>).</summary>
    public Parameter DownWeight => _down.weight!;

    /// <summary><c>b_d</c>, <c>d</c> (<c>down_proj.bias</c>).</summary>
    public Parameter DownBias => _down.bias!;

    /// <summary>The up-projection of path <paramref name="path"/> (0 or 1): <c>up_proj_0</c> or <c>up_proj_1</c>; only path 0 without routing.</summary>
    public GroupedLinear Up(int path) => path switch
    {
        0 => _up0,
        1 => _up1 ?? throw new ArgumentOutOfRangeException(nameof(path), path, "MMA without routing has path 0 only"),
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "MMA has paths 0 and 1"),
    };

    /// <summary>The routing weights <c>softmax((W_m Z[:, 0] + b_m) / tau)</c>, <c>B x 2</c>, for an input <c>Z</c> (<c>B x N x C</c>).</summary>
    /// <exception cref="InvalidOperationException">The block has no router (<see cref="Routing"/> is false).</exception>
    public Tensor RoutingWeights(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor logits = Router.call(input.select(1, 0));
        return softmax(logits / _temperature, dim: -1).MoveToOuterDisposeScope();
    }

    /// <summary>Where the routing weights are reported as per-sample statistics (LLM layers only); <c>null</c> for none.</summary>
    internal RoutingWeightReport? RoutingReport { get; set; }

    /// <summary>Returns <c>Z + s * (w_0 Y_0 + w_1 Y_1)</c>, <c>B x N x C</c>; without routing, <c>Z + s * Y_0</c>.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        if (_up1 is null) return (input + _up0.call(_dropout.call(_down.call(input))) * _scale).MoveToOuterDisposeScope();
        Tensor routing = RoutingWeights(input);
        RoutingReport?.Report(routing);
        Tensor weights = routing.unsqueeze(-1).unsqueeze(-1).to_type(input.dtype);
        Tensor shared = _dropout.call(_down.call(input));
        Tensor mixed = _up0.call(shared) * weights.select(1, 0) + _up1.call(shared) * weights.select(1, 1);
        return (input + mixed * _scale).MoveToOuterDisposeScope();
    }

    private Linear Router => _router ?? throw new InvalidOperationException("this MM-Adapter has no router (routing: false)");
}
