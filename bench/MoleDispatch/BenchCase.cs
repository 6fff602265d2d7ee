using System.Diagnostics;
using Pipeline.Contracts.Adapters;
using Pipeline.Plugins.Adapters.Lora;
using Pipeline.Plugins.Adapters.Mole;
using static TorchSharp.torch;

namespace Pipeline.Bench.MoleDispatch;

/// <summary>
/// One benchmarked configuration: a fresh block with the same frozen base weights and input as every other case, one
/// adapter attached to its three projections, and a training step (forward, the MoLE balance loss where there is one,
/// backward, gradients cleared) that can be timed.
/// </summary>
internal sealed class BenchCase : IDisposable
{
    private readonly BenchFeedForward _block;
    private readonly BenchForwardContext _forward = new();
    private readonly Tensor _input;

    private BenchCase(string label, BenchSizes sizes, Func<AdapterBuildContext, IAdapter> attach)
    {
        Label = label;
        manual_seed(1);
        _block = new BenchFeedForward(sizes.Width, sizes.Hidden);
        // In a decoder the block input needs its gradient (adapters of earlier layers train), so the backward computes it here too.
        _input = randn(sizes.Batch, sizes.Length, sizes.Width).requires_grad_(true);
        var components = new Dictionary<string, IAdaptableComponent> { ["llm"] = new BenchComponent(_block, sizes.Width) };
        attach(new AdapterBuildContext("adapter", components, _forward, CPU, 2));
        foreach (var (name, parameter) in _block.named_parameters())
            parameter.requires_grad = name.Contains("adapter.");
        _block.train();
    }

    /// <summary>The row label in the results table.</summary>
    public string Label { get; }

    /// <summary>Plain LoRA (scale 2, no dropout) on gate, up and down.</summary>
    public static BenchCase Lora(BenchSizes sizes) => new("LoRA", sizes, context => new LoraAdapterFactory().Attach(
        new LoraOptions { Rank = sizes.Rank, Alpha = 2 * sizes.Rank, Dropout = 0, Targets = new() { ["llm"] = ["gate_proj", "up_proj", "down_proj"] } }, context));

    /// <summary>MoLE with <paramref name="experts"/> experts on gate, up and down (no plain-LoRA targets), scale 2, no dropout.</summary>
    public static BenchCase Mole(BenchSizes sizes, int experts, ExpertDispatch dispatch) =>
        new($"MoLE {dispatch.ToString().ToLowerInvariant()} K={experts}", sizes, context => new MoleAdapterFactory().Attach(
            new MoleOptions { Experts = experts, Rank = sizes.Rank, Alpha = 2 * sizes.Rank, Dropout = 0, Dispatch = dispatch, LoraTargets = [] }, context));

    /// <summary>Runs <paramref name="steps"/> steps with collection paused and returns the mean milliseconds per step.</summary>
    public double TimeSteps(int steps) => CollectionPause.Run(() =>
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) Step();
        return clock.Elapsed.TotalMilliseconds / steps;
    });

    private void Step()
    {
        using var scope = NewDisposeScope();
        var context = new ForwardContext(ones(_input.shape[0], _input.shape[1], dtype: ScalarType.Bool), zeros(_input.shape[0], dtype: ScalarType.Bool), isTraining: true);
        _forward.Current = context;
        try
        {
            Tensor loss = _block.call(_input).square().mean();
            foreach (var (_, auxiliary) in context.AuxiliaryLosses) loss = loss + auxiliary;
            loss.backward();
            _block.zero_grad();
            _input.grad?.zero_();
        }
        finally
        {
            _forward.Current = null;
        }
    }

    public void Dispose()
    {
        _input.Dispose();
        _block.Dispose();
    }
}
