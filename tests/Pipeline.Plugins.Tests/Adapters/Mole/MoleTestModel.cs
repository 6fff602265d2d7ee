using Pipeline.Contracts.Adapters;
using Pipeline.Plugins.Adapters.Lora;
using Pipeline.Plugins.Adapters.Mole;
using Pipeline.Plugins.Tests.Adapters.Lora;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Mole;

/// <summary>A <see cref="TinyDecoder"/> (component <c>llm</c>) with a <c>mole</c> adapter attached, plus helpers to set weights by hand.</summary>
internal sealed class MoleTestModel
{
    public MoleTestModel(MoleOptions options, int layers = 1, int width = 2, int hidden = 2, long seed = 7)
    {
        Decoder = new TinyDecoder(layers, width, hidden);
        var components = new Dictionary<string, IAdaptableComponent> { ["llm"] = new TestComponent("llm", Decoder, width) };
        Adapter = (MoleAdapter)new MoleAdapterFactory().Attach(options, new AdapterBuildContext("mole", components, Forward, CPU, seed));
    }

    /// <summary>Two experts of rank 1 (scale 2), no dropout, plain LoRA on <c>q_proj</c>.</summary>
    public static MoleOptions HandOptions(RouterGradient gradient = RouterGradient.StraightThrough, ExpertDispatch dispatch = ExpertDispatch.Sparse,
        double balanceWeight = 0.01) => new()
    {
        Experts = 2, Rank = 1, Alpha = 2, Dropout = 0, RouterGradient = gradient, Dispatch = dispatch, BalanceWeight = balanceWeight,
        LoraTargets = new() { ["llm"] = ["q_proj"] },
    };

    public TinyDecoder Decoder { get; }

    public MoleAdapter Adapter { get; }

    public CurrentForwardContext Forward { get; } = new();

    public TokenRouter Router(int layer) => Adapter.Routers[$"llm:layers.{layer}.mlp"];

    public MixtureOfLoraExperts Mixture(int layer, string projection) => Adapter.Mixtures[$"llm:layers.{layer}.mlp.{projection}"];

    public GatedFeedForwardBlock Block(int layer) => Decoder[layer].Mlp;

    /// <summary>Sets <c>W_r</c> and <c>b_r</c> of a layer's router.</summary>
    public void SetRouter(int layer, float[,] weight, float[] bias)
    {
        using var noGrad = no_grad();
        Router(layer).Weight.copy_(tensor(weight));
        Router(layer).Bias.copy_(tensor(bias));
    }

    /// <summary>Sets one expert's A and B on a projection of a layer.</summary>
    public void SetExpert(int layer, string projection, int expert, float[,] a, float[,] b)
    {
        using var noGrad = no_grad();
        LoraDelta delta = Mixture(layer, projection).Experts[expert];
        delta.A.copy_(tensor(a));
        delta.B.copy_(tensor(b));
    }

    /// <summary>Sets every base projection of the model to the identity (width and hidden equal).</summary>
    public void SetBaseToIdentity()
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in Decoder.named_parameters())
            if (!name.Contains(".mole.")) parameter.copy_(eye(parameter.shape[0], parameter.shape[1]));
    }

    public static float[] Values(Tensor t) => t.data<float>().ToArray();

    /// <summary>Asserts that <paramref name="actual"/> holds <paramref name="expected"/>, element by element, within <paramref name="tolerance"/>.</summary>
    public static void ShouldBeClose(Tensor actual, double tolerance, params double[] expected)
    {
        float[] values = Values(actual);
        values.Should().HaveCount(expected.Length);
        for (int i = 0; i < expected.Length; i++)
            ((double)values[i]).Should().BeApproximately(expected[i], tolerance, "element {0} of [{1}]", i, string.Join(", ", values));
    }
}
