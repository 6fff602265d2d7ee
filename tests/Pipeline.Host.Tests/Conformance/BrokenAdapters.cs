using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Conformance;

/// <summary>Adapter factories that each break one promise the conformance kit checks, on the LLM's first query projection.</summary>
public static class BrokenAdapters
{
    /// <summary>The promise <see cref="Factory"/> breaks.</summary>
    public enum Fault { NotIdentity, NamedAfterPlugin, ParameterOnCpu, WrongMergeWeight, KeepsForwardTensors, BypassesSite, DeclaredNotIdentity, DeclaredNotIdentityNotSwitchable }

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

    /// <summary>
    /// <c>scale * x</c> again, claiming to merge as <c>2 * scale * I</c> (twice its real delta), and, with
    /// <paramref name="keepsTensors"/>, keeping a copy of every output outside the step's dispose scope.
    /// </summary>
    public sealed class MergeableScaledInput : nn.Module<Tensor, Tensor>, IMergeableLinearDelta
    {
        private readonly TorchSharp.Modules.Parameter scale;
        private readonly int _width;
        private readonly bool _keepsTensors;
        private readonly List<Tensor> _kept = [];

        public MergeableScaledInput(int width, Device device, bool keepsTensors) : base(nameof(MergeableScaledInput))
        {
            _width = width;
            _keepsTensors = keepsTensors;
            scale = new TorchSharp.Modules.Parameter(zeros(1, device: device));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            Tensor output = input * scale;
            if (_keepsTensors) _kept.Add(output.detach().clone().DetachFromDisposeScope());
            return output;
        }

        public Tensor DeltaWeight() => eye(_width, device: scale.device) * scale * 2;
    }

    /// <summary>Attaches a <see cref="ScaledInput"/> that gets <paramref name="fault"/> wrong.</summary>
    public sealed class Factory(Fault fault) : IAdapterFactory
    {
        public Type OptionsType => typeof(object);

        public string Description => "broken on purpose";

        public IAdapter Attach(object options, AdapterBuildContext context)
        {
            var site = context.Component("llm").LinearSites[Site];
            if (fault == Fault.BypassesSite) return BypassSite((AdaptableLinear)site, context);
            nn.Module<Tensor, Tensor> module = fault switch
            {
                Fault.NotIdentity or Fault.DeclaredNotIdentity or Fault.DeclaredNotIdentityNotSwitchable => new ScaledInput(0.5f, context.Device),
                Fault.ParameterOnCpu => new ScaledInput(0f, CPU),
                Fault.WrongMergeWeight or Fault.KeepsForwardTensors => new MergeableScaledInput(site.InFeatures, context.Device, fault == Fault.KeepsForwardTensors),
                _ => new ScaledInput(0f, context.Device),
            };
            // Attached under another name, the module is not switched off with the adapter.
            string name = fault is Fault.NamedAfterPlugin or Fault.DeclaredNotIdentityNotSwitchable ? "broken" : context.AdapterName;
            site.Attach(name, module);
            return new Attached(context.AdapterName, fault == Fault.WrongMergeWeight ? (AdaptableLinear)site : null,
                startsAsIdentity: fault is not (Fault.DeclaredNotIdentity or Fault.DeclaredNotIdentityNotSwitchable));
        }
    }

    /// <summary>
    /// Registers a <see cref="ScaledInput"/> under the adapter's name on the projection but adds it from a forward hook,
    /// around the site rather than through it, so switching the adapter off does not reach it.
    /// </summary>
    private static IAdapter BypassSite(AdaptableLinear projection, AdapterBuildContext context)
    {
        var module = new ScaledInput(0f, context.Device);
        projection.register_module(context.AdapterName, module);
        projection.register_forward_hook((_, input, output) => output + module.call(input));
        return new Attached(context.AdapterName, null, startsAsIdentity: true);
    }

    /// <summary>Merges through <paramref name="mergeable"/> when given; otherwise cannot merge.</summary>
    private sealed class Attached(string name, AdaptableLinear? mergeable, bool startsAsIdentity) : IAdapter
    {
        public bool StartsAsIdentity => startsAsIdentity;

        public string Name => name;

        public IReadOnlyList<string> AttachedSites => ["llm:" + Site];

        public bool CanMerge => mergeable is not null;

        public void Merge() => (mergeable ?? throw new NotSupportedException()).Merge(name);

        public void Unmerge() => (mergeable ?? throw new NotSupportedException()).Unmerge(name);
    }
}
