using Pipeline.Contracts.Adapters;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>
/// A test adapter that is not the identity (the delta <c>scale * x</c> on the LLM's first query projection, scale 0.5), so a
/// run shows whether it ran; it implements <see cref="IAdapterActivation"/>, doubling its scale and writing
/// <c>activated (grad on|off)</c> to <paramref name="record"/> (pass the run's log, so the line lands in the stage it
/// was called in).
/// </summary>
public sealed class ProbeAdapterFactory(Action<string> record) : IAdapterFactory
{
    /// <summary>The projection the probe attaches to.</summary>
    public const string Site = "model.layers.0.self_attn.q_proj";

    /// <summary>What <see cref="IAdapterActivation.Activate"/> records.</summary>
    public static string Activated(bool gradients) => $"activated (grad {(gradients ? "on" : "off")})";

    public Type OptionsType => typeof(object);

    public string Description => "a scaled-input delta that records its activation";

    public IAdapter Attach(object options, AdapterBuildContext context)
    {
        var delta = new ScaledInput(context.Device);
        context.Component("llm").LinearSites[Site].Attach(context.AdapterName, delta);
        return new Probe(context.AdapterName, delta, record);
    }

    private sealed class ScaledInput : nn.Module<Tensor, Tensor>
    {
        private readonly Parameter scale;

        public ScaledInput(Device device) : base(nameof(ScaledInput))
        {
            scale = new Parameter(full(1, 0.5f, device: device));
            RegisterComponents();
        }

        public Parameter Scale => scale;

        public override Tensor forward(Tensor input) => input * scale;
    }

    private sealed class Probe(string name, ScaledInput delta, Action<string> record) : IAdapter, IAdapterActivation
    {
        public string Name => name;

        public IReadOnlyList<string> AttachedSites => ["llm:" + Site];

        public bool CanMerge => false;

        public void Merge() => throw new NotSupportedException();

        public void Unmerge() => throw new NotSupportedException();

        public void Activate()
        {
            record(Activated(is_grad_enabled()));
            delta.Scale.mul_(2);
        }
    }
}
