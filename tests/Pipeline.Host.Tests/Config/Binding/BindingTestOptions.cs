using System.ComponentModel.DataAnnotations;
using Pipeline.Contracts.Options;
using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Config.Binding;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Tests.Config.Binding;

// Test-local options types shaped like real ones (a LoRA-like adapter, a training block, schedulers).

internal enum TestPrecision { Float32, Bf16, MixedFP16 }

internal sealed record TestLoraOptions : IValidatableOptions
{
    public int Rank { get; init; } = 8;
    public double Alpha { get; init; } = 16;
    public double Dropout { get; init; } = 0.05;
    public Dictionary<string, IReadOnlyList<string>> Targets { get; init; } = new() { ["llm"] = ["q_proj", "v_proj"] };

    public IEnumerable<OptionError> Validate()
    {
        if (Rank < 1) yield return new OptionError("rank", $"must be at least 1, got {Rank}");
        if (Dropout is < 0 or >= 1) yield return new OptionError("dropout", $"must be in [0, 1), got {Dropout}");
        foreach (var (component, names) in Targets)
            for (int i = 0; i < names.Count; i++)
                if (names[i].Length == 0) yield return new OptionError($"targets.{component}[{i}]", "must not be empty");
    }
}

internal sealed record TestAdapterEntry
{
    [Required] public string Plugin { get; init; } = "";
    public string? Name { get; init; }
    public TestLoraOptions Options { get; init; } = new();
}

internal sealed record TestRawAdapterEntry
{
    [Required] public string Plugin { get; init; } = "";
    public ConfigNode? Options { get; init; }
}

internal sealed record TestTrainingOptions
{
    public int Steps { get; init; } = 100;
    public long Seed { get; init; } = 42;
    public double LearningRate { get; init; } = 1e-4;
    public float MinLearningRateRatio { get; init; } = 0.1f;
    public bool RouterGradient { get; init; } = true;
    public TestPrecision Precision { get; init; } = TestPrecision.Float32;
    public int? ClsEvery { get; init; }
    public string? RunName { get; init; }
    public PluginSelection? Scheduler { get; init; }
}

internal sealed record TestPipelineOptions
{
    public string Name { get; init; } = "default";
    public TestTrainingOptions Training { get; init; } = new();
    public List<TestAdapterEntry> Adapters { get; init; } = [];
    public int[] Seeds { get; init; } = [1, 2];
    public IReadOnlyDictionary<string, double> Weights { get; init; } = new Dictionary<string, double> { ["llm"] = 1.0 };
    public YamlNode? Extra { get; init; }
}

internal sealed record TestConstantOptions;

internal sealed record TestWarmupCosineOptions : IValidatableOptions
{
    public int WarmupSteps { get; init; } = 10;
    public double MinRatio { get; init; }

    public IEnumerable<OptionError> Validate()
    {
        if (WarmupSteps < 0) yield return new OptionError("warmup_steps", $"must be at least 0, got {WarmupSteps}");
    }
}

internal sealed record TestWrappingSchedulerOptions
{
    public PluginSelection Base { get; init; } = new() { Plugin = "constant" };
    public double Factor { get; init; } = 1;
}

/// <summary>A resolver over a fixed table of scheduler names.</summary>
internal sealed class FakeSchedulerResolver : IPluginOptionsResolver
{
    private readonly Dictionary<string, Type> _schedulers = new()
    {
        ["warmup_cosine"] = typeof(TestWarmupCosineOptions),
        ["constant"] = typeof(TestConstantOptions),
        ["wrapping"] = typeof(TestWrappingSchedulerOptions),
    };

    public Type? OptionsTypeOf(string kind, string name) =>
        kind == "scheduler" && _schedulers.TryGetValue(name, out Type? type) ? type : null;

    public IReadOnlyList<string> Names(string kind) => kind == "scheduler" ? [.. _schedulers.Keys] : [];
}
