using Pipeline.Contracts.Adapters;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Conformance;

/// <summary>Adapter factories that each break one promise the conformance kit checks, on the LLM's first query projection.</summary>
public static class BrokenAdapters
{
    /// <summary>The promise <see cref="Factory"/> breaks.</summary>
    public enum Fault { NotIdentity, NamedAfterPlugin, ParameterOnCpu }

    /// <summary>The projection every broken adapter attaches to.</summary>
    public const string Site = "model.layers.0.self_attn.q_proj";

    /// <summary>A delta <c>scale * x</c> on a square projection; identity only while the scale is 0.</summary>
    public sealed class ScaledInput : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Parameter scale;

        public ScaledInput(float initial, Device? device) : base(nameof(ScaledInput))
        {
            scale = new TorchSharp.Modules.Parameter(full(1, initial, device: device));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => input * scale;
    }

    /// <summary>Attaches a <see cref="ScaledInput"/> that gets <paramref name="fault"/> wrong.</summary>
    public sealed class Factory(Fault fault) : IAdapterFactory
    {
        public Type OptionsType => typeof(object);

        public string Description => "broken on purpose";

        public IAdapter Attach(object options, AdapterBuildContext context)
        {
            var module = fault switch
            {
                Fault.NotIdentity => new ScaledInput(0.5f, context.Device),
                Fault.ParameterOnCpu => new ScaledInput(0f, CPU),
                _ => new ScaledInput(0f, context.Device),
            };
            string name = fault == Fault.NamedAfterPlugin ? "broken" : context.AdapterName;
            context.Component("llm").LinearSites[Site].Attach(name, module);
            return new Attached(context.AdapterName);
        }
    }

    private sealed class Attached(string name) : IAdapter
    {
        public string Name => name;

        public IReadOnlyList<string> AttachedSites => ["llm:" + Site];

        public bool CanMerge => false;

        public void Merge() => throw new NotSupportedException();

        public void Unmerge() => throw new NotSupportedException();
    }
}
