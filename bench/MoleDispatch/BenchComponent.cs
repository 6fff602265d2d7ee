using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Modules;
using TorchSharp;

namespace Pipeline.Bench.MoleDispatch;

/// <summary>The benchmark block as the <c>llm</c> component adapters attach to, at path <c>mlp</c> under a bare root.</summary>
internal sealed class BenchComponent : IAdaptableComponent
{
    private readonly BenchFeedForward _block;
    private readonly torch.nn.Module _root;

    public BenchComponent(BenchFeedForward block, int width)
    {
        _block = block;
        _root = new BenchRoot(block);
        Width = width;
    }

    public string Name => "llm";

    public torch.nn.Module Module => _root;

    public int Width { get; }

    public IReadOnlyDictionary<string, ILinearSite> LinearSites => ComponentSites.Linear(_root);

    public IReadOnlyList<IFeedForwardSite> FeedForwardSites => [_block];

    public IReadOnlyList<IAttentionInputSite> AttentionInputSites => [];

    public ISequencePrefixSite? SequencePrefix => null;

    private sealed class BenchRoot : torch.nn.Module
    {
        private readonly BenchFeedForward mlp;

        public BenchRoot(BenchFeedForward block) : base(nameof(BenchRoot))
        {
            mlp = block;
            RegisterComponents();
        }
    }
}
