using Pipeline.Contracts.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Mma;

/// <summary>
/// A test component body: <c>layers.{i}.attn_input</c> slots applied one after another (no attention, no weights of its own),
/// so a forward returns exactly what the attached transforms make of the input.
/// </summary>
internal sealed class SlotStack : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<SlotBlock> layers;

    public SlotStack(int layers, int width) : base(nameof(SlotStack))
    {
        this.layers = new ModuleList<SlotBlock>(Enumerable.Range(0, layers).Select(i => new SlotBlock(i, width)).ToArray());
        RegisterComponents();
    }

    public AttentionInputSlot Slot(int layer) => layers[layer].Slot;

    public override Tensor forward(Tensor input)
    {
        Tensor output = input;
        foreach (var layer in layers) output = layer.call(output);
        return output;
    }

    /// <summary>One block: just its attention-input slot.</summary>
    internal sealed class SlotBlock : nn.Module<Tensor, Tensor>
    {
        private readonly AttentionInputSlot attn_input;

        public SlotBlock(int index, int width) : base(nameof(SlotBlock))
        {
            attn_input = new AttentionInputSlot(index, width);
            RegisterComponents();
        }

        public AttentionInputSlot Slot => attn_input;

        public override Tensor forward(Tensor input) => attn_input.call(input);
    }
}
