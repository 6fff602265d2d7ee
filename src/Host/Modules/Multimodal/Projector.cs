using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Host.Modules.Multimodal;

/// <summary>Two-layer MLP from encoder width to LLM width: <c>fc2(act(fc1(x) + b1)) + b2</c>.</summary>
public sealed class Projector : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly ProjectorActivation _activation;

    public Projector(int inputWidth, int hiddenWidth, int outputWidth, ProjectorActivation activation) : base(nameof(Projector))
    {
        fc1 = nn.Linear(inputWidth, hiddenWidth);
        fc2 = nn.Linear(hiddenWidth, outputWidth);
        _activation = activation;
        using (no_grad())
        {
            nn.init.xavier_uniform_(fc1.weight);
            nn.init.xavier_uniform_(fc2.weight);
            nn.init.zeros_(fc1.bias);
            nn.init.zeros_(fc2.bias);
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor hidden = fc1.call(input);
        hidden = _activation == ProjectorActivation.Silu ? nn.functional.silu(hidden) : nn.functional.gelu(hidden);
        return fc2.call(hidden).MoveToOuterDisposeScope();
    }
}
