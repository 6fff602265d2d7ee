using Pipeline.Contracts.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Lora;

/// <summary>A test model: named <see cref="AdaptableLinear"/> projections applied one after another.</summary>
internal sealed class ProjectionChain : nn.Module<Tensor, Tensor>
{
    private readonly List<AdaptableLinear> _projections = [];

    public ProjectionChain(Device? device, params (string Name, int In, int Out)[] projections) : base(nameof(ProjectionChain))
    {
        foreach (var (name, inFeatures, outFeatures) in projections)
        {
            var projection = new AdaptableLinear(inFeatures, outFeatures, device: device);
            register_module(name, projection);
            _projections.Add(projection);
        }
    }

    public AdaptableLinear this[int index] => _projections[index];

    public override Tensor forward(Tensor input)
    {
        Tensor output = input;
        foreach (var projection in _projections) output = projection.call(output);
        return output;
    }
}
