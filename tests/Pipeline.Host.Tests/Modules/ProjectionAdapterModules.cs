using Pipeline.Contracts.Adapters;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Modules;

/// <summary>Small adapter modules with known math, for the projection and switch tests.</summary>
public static class ProjectionAdapterModules
{
    /// <summary>The weight transform <c>W' = diag(l) W</c> (IA3 on the output rows), <c>l</c> a parameter.</summary>
    public sealed class RowScale : nn.Module<Tensor, Tensor>
    {
        private readonly Parameter scale;

        public RowScale(float[] rowScales) : base(nameof(RowScale))
        {
            scale = new Parameter(tensor(rowScales));
            RegisterComponents();
        }

        public Parameter Scale => scale;

        public override Tensor forward(Tensor weight) => scale.unsqueeze(1) * weight;
    }

    /// <summary>The weight transform <c>W' = W + c</c>: with <see cref="RowScale"/> it shows the order transforms run in.</summary>
    public sealed class AddConstant : nn.Module<Tensor, Tensor>
    {
        private readonly Parameter constant;

        public AddConstant(float value) : base(nameof(AddConstant))
        {
            constant = new Parameter(tensor(new[] { value }));
            RegisterComponents();
        }

        public override Tensor forward(Tensor weight) => weight + constant;
    }

    /// <summary>A weight transform that returns one row (the column sums): a shape that would broadcast into the weight.</summary>
    public sealed class ColumnSums : nn.Module<Tensor, Tensor>
    {
        private readonly Parameter scale = new(ones(1));

        public ColumnSums() : base(nameof(ColumnSums)) => RegisterComponents();

        public override Tensor forward(Tensor weight) => weight.sum(0, keepdim: true) * scale;
    }

    /// <summary>The mergeable delta <c>delta(x) = D x</c> for a fixed matrix <c>D</c> (<c>OutFeatures x InFeatures</c>).</summary>
    public sealed class FixedDelta : nn.Module<Tensor, Tensor>, IMergeableLinearDelta
    {
        private readonly Parameter matrix;

        public FixedDelta(float[,] values) : base(nameof(FixedDelta))
        {
            matrix = new Parameter(tensor(values));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => nn.functional.linear(input, matrix);

        public Tensor DeltaWeight() => matrix.detach().clone();
    }

    /// <summary>An input observer that counts its calls and changes nothing.</summary>
    public sealed class CallCounter : nn.Module<Tensor, Tensor>
    {
        private readonly Parameter unused = new(zeros(1));

        public CallCounter() : base(nameof(CallCounter)) => RegisterComponents();

        public int Calls { get; private set; }

        public override Tensor forward(Tensor input)
        {
            Calls++;
            return input;
        }
    }

    /// <summary>An attention-input transform <c>x * factor</c>.</summary>
    public sealed class Scaling(double factor) : nn.Module<Tensor, Tensor>(nameof(Scaling))
    {
        public override Tensor forward(Tensor input) => input * factor;
    }

    /// <summary>One learned token prepended to the sequence, every position may see it unless <paramref name="visibleToText"/> is false.</summary>
    public sealed class ConstantPrefix : nn.Module, ISequencePrefix
    {
        private readonly int _width;
        private readonly Parameter token;

        public ConstantPrefix(int width, bool visibleToText) : base(nameof(ConstantPrefix))
        {
            _width = width;
            VisibleToText = visibleToText;
            token = new Parameter(randn(width) * 5);
            RegisterComponents();
        }

        public nn.Module Module => this;

        public int Length => 1;

        public bool VisibleToText { get; }

        public Tensor Embed(ForwardContext context) => token.expand(context.SampleHasMedia.shape[0], 1, _width);
    }
}
