using Pipeline.Contracts.Adapters;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Contracts.Modules;

/// <summary>
/// The point between a block's norm and its attention (<see cref="IAttentionInputSite"/>): the identity until
/// adapters attach transforms, which then run in attachment order. Put one in every block whose attention input
/// adapters may change. It has no parameters of its own. A transform that throws is reported as an
/// <see cref="AdapterForwardException"/> naming its adapter, and so is one that returns another shape or device than
/// its input (contracts 1.4). In a component stored in reduced precision the
/// transforms get the input widened to float32 and their result is cast back to the input's type (contracts 1.3).
/// </summary>
public sealed class AttentionInputSlot : nn.Module<Tensor, Tensor>, IAttentionInputSite, ISwitchableAdapterSite
{
    private readonly List<(string Name, nn.Module<Tensor, Tensor> Transform)> _transforms = [];
    private readonly HashSet<string> _inactive = [];

    /// <param name="layerIndex">The block index, from 0.</param>
    /// <param name="width">The hidden width C.</param>
    public AttentionInputSlot(int layerIndex, int width) : base(nameof(AttentionInputSlot))
    {
        LayerIndex = layerIndex;
        Width = width;
    }

    /// <inheritdoc />
    public int LayerIndex { get; }

    /// <inheritdoc />
    public int Width { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (_transforms.Count == 0 || _transforms.All(t => _inactive.Contains(t.Name))) return input;
        // In a component stored in reduced precision the stream is bfloat16/float16; adapters compute in float32.
        Tensor output = ReducedPrecision.Widen(input);
        foreach (var (name, transform) in _transforms)
        {
            if (_inactive.Contains(name)) continue;
            Tensor current = output;
            output = AdapterForwardException.Run(name, this, () => AttachedModuleOutput.Checked(current, transform.call(current), current.shape, current.device, "the attention input"));
        }
        return ReducedPrecision.IsReduced(input.dtype) ? output.to_type(input.dtype) : output;
    }

    /// <inheritdoc />
    public void Attach(string adapterName, nn.Module<Tensor, Tensor> transform)
    {
        if (_transforms.Any(t => t.Name == adapterName))
            throw new InvalidOperationException($"an adapter named '{adapterName}' is already attached here");
        register_module(adapterName, transform);
        _transforms.Add((adapterName, transform));
    }

    /// <inheritdoc />
    public void SetActive(string adapterName, bool active)
    {
        if (active) _inactive.Remove(adapterName);
        else if (_transforms.Any(t => t.Name == adapterName)) _inactive.Add(adapterName);
    }

    /// <inheritdoc />
    public bool IsActive(string adapterName) => !_inactive.Contains(adapterName);
}
