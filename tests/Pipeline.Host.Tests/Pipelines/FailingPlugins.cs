using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Media;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>Plugin factories defined in the test, that fail on purpose while being built or in forward.</summary>
public static class FailingPlugins
{
    public const string Failure = "exploded on purpose";

    /// <summary>A module that throws when called (with one parameter, as an adapter's module has).</summary>
    public sealed class ExplodingModule : nn.Module<Tensor, Tensor>, ISequencePrefix
    {
        public ExplodingModule() : base(nameof(ExplodingModule)) => register_parameter("scale", new TorchSharp.Modules.Parameter(ones(1)));

        public override Tensor forward(Tensor input) => throw new InvalidOperationException(Failure);

        public nn.Module Module => this;

        public int Length => 1;

        public bool VisibleToText => true;

        public Tensor Embed(ForwardContext context) => throw new InvalidOperationException(Failure);
    }

    /// <summary>Where <see cref="ExplodingAdapterFactory"/> attaches its module.</summary>
    public enum Site { LlmLinear, LlmFeedForwardObserver, LlmSequencePrefix, VisionAttentionInput, ThrowWhileAttaching }

    /// <summary>Attaches an <see cref="ExplodingModule"/> at one site (or throws from <c>Attach</c> itself).</summary>
    public sealed class ExplodingAdapterFactory(Site site) : IAdapterFactory
    {
        public Type OptionsType => typeof(object);

        public string Description => "fails on purpose";

        public IAdapter Attach(object options, AdapterBuildContext context)
        {
            string name = context.AdapterName;
            switch (site)
            {
                case Site.LlmLinear:
                    context.Component("llm").LinearSites["model.layers.0.self_attn.q_proj"].Attach(name, new ExplodingModule());
                    break;
                case Site.LlmFeedForwardObserver:
                    context.Component("llm").FeedForwardSites[0].AttachInputObserver(name, new ExplodingModule());
                    break;
                case Site.LlmSequencePrefix:
                    context.Component("llm").SequencePrefix!.Attach(name, new ExplodingModule());
                    break;
                case Site.VisionAttentionInput:
                    context.Component("vision").AttentionInputSites[0].Attach(name, new ExplodingModule());
                    break;
                default:
                    throw new InvalidOperationException(Failure);
            }
            return new Attached(name);
        }
    }

    /// <summary>What <see cref="MisbehavingAdapterFactory"/>'s module on the LLM's first query projection gets wrong.</summary>
    public enum Misbehaviour { None, WrongShape, WrongDevice, UnregisteredParameters, NonFiniteOutput }

    /// <summary>A zero delta on a square projection (input times a parameter that starts at 0), or 1/0 with <paramref name="nonFinite"/>.</summary>
    public sealed class ScaledInputModule : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Parameter scale = new(zeros(1));
        private readonly bool _nonFinite;

        public ScaledInputModule(bool nonFinite) : base(nameof(ScaledInputModule))
        {
            _nonFinite = nonFinite;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => _nonFinite ? (input * scale + 1) / (input * 0) : input * scale;
    }

    /// <summary>Returns one output feature where the projection has many (a shape that would broadcast silently).</summary>
    public sealed class WrongShapeModule : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Parameter scale = new(zeros(1));

        public WrongShapeModule() : base(nameof(WrongShapeModule)) => RegisterComponents();

        public override Tensor forward(Tensor input) => input.narrow(-1, 0, 1) * scale;
    }

    /// <summary>Returns its delta on the meta device, whatever device the input is on.</summary>
    public sealed class WrongDeviceModule : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Parameter scale = new(zeros(1));

        public WrongDeviceModule() : base(nameof(WrongDeviceModule)) => RegisterComponents();

        public override Tensor forward(Tensor input) => (input * scale).to(META);
    }

    /// <summary>Keeps its parameter in a plain list, which <c>RegisterComponents()</c> does not look into (a <c>ParameterList</c> would be).</summary>
    public sealed class UnregisteredModule : nn.Module<Tensor, Tensor>
    {
        private readonly List<TorchSharp.Modules.Parameter> scales = [new(zeros(1))];

        public UnregisteredModule() : base(nameof(UnregisteredModule)) => RegisterComponents();

        public override Tensor forward(Tensor input) => input * scales[0];
    }

    /// <summary>Attaches a module that gets <paramref name="misbehaviour"/> wrong on <c>llm.model.layers.0.self_attn.q_proj</c>.</summary>
    public sealed class MisbehavingAdapterFactory(Misbehaviour misbehaviour) : IAdapterFactory
    {
        public Type OptionsType => typeof(object);

        public string Description => "misbehaves on purpose";

        public IAdapter Attach(object options, AdapterBuildContext context)
        {
            nn.Module<Tensor, Tensor> module = misbehaviour switch
            {
                Misbehaviour.WrongShape => new WrongShapeModule(),
                Misbehaviour.WrongDevice => new WrongDeviceModule(),
                Misbehaviour.None => new ScaledInputModule(nonFinite: false),
                Misbehaviour.NonFiniteOutput => new ScaledInputModule(nonFinite: true),
                _ => new UnregisteredModule(),
            };
            context.Component("llm").LinearSites["model.layers.0.self_attn.q_proj"].Attach(context.AdapterName, module);
            return new Attached(context.AdapterName, ["llm:model.layers.0.self_attn.q_proj"]);
        }
    }

    private sealed class Attached(string name, IReadOnlyList<string>? sites = null) : IAdapter
    {
        public string Name => name;

        public IReadOnlyList<string> AttachedSites => sites ?? [];

        public bool CanMerge => false;

        public void Merge() => throw new NotSupportedException();

        public void Unmerge() => throw new NotSupportedException();
    }

    /// <summary>Returns null from <c>Attach</c>.</summary>
    public sealed class NullAdapterFactory : IAdapterFactory
    {
        public Type OptionsType => typeof(object);

        public string Description => "returns null";

        public IAdapter Attach(object options, AdapterBuildContext context) => null!;
    }

    /// <summary>Where <see cref="ExplodingEncoderFactory"/>'s encoder fails.</summary>
    public enum EncoderStep { Create, Collate, Encode, NonFiniteEncode, NarrowEncode }

    /// <summary>Builds the encoder of <paramref name="inner"/> but makes one step throw.</summary>
    public sealed class ExplodingEncoderFactory(IEncoderFactory inner, EncoderStep failing) : IEncoderFactory
    {
        public Type OptionsType => inner.OptionsType;

        public string Description => "fails on purpose";

        public IEncoder Create(object options, EncoderBuildContext context) =>
            failing == EncoderStep.Create ? throw new InvalidOperationException(Failure) : new ExplodingEncoder(inner.Create(options, context), failing);
    }

    private sealed class ExplodingEncoder(IEncoder inner, EncoderStep failing) : IEncoder
    {
        public string Name => inner.Name;

        public nn.Module Module => inner.Module;

        public int Width => inner.Width;

        public IReadOnlyDictionary<string, ILinearSite> LinearSites => inner.LinearSites;

        public IReadOnlyList<IFeedForwardSite> FeedForwardSites => inner.FeedForwardSites;

        public IReadOnlyList<IAttentionInputSite> AttentionInputSites => inner.AttentionInputSites;

        public ISequencePrefixSite? SequencePrefix => inner.SequencePrefix;

        public string Modality => inner.Modality;

        public int TokenCount => inner.TokenCount;

        public Tensor Collate(IReadOnlyList<MediaItem> items, Device device) =>
            failing == EncoderStep.Collate ? throw new NotSupportedException(Failure) : inner.Collate(items, device);

        public Tensor Encode(Tensor batch) => failing switch
        {
            EncoderStep.Encode => throw new InvalidOperationException(Failure),
            EncoderStep.NonFiniteEncode => inner.Encode(batch) / 0,
            EncoderStep.NarrowEncode => inner.Encode(batch).narrow(-1, 0, inner.Width / 2),
            _ => inner.Encode(batch),
        };

        public void Dispose() => inner.Dispose();
    }
}
