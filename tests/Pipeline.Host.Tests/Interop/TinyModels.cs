using System.Text.Json.Nodes;
using Pipeline.Contracts.Runtime;
using Pipeline.Host.Interop;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Interop;

/// <summary>Builds models from the tiny pipeline's YAML and computes the outputs the interop tests compare.</summary>
internal static class TinyModels
{
    public const int Vocabulary = 40;

    /// <summary>The tiny pipeline with <c>model.weights</c> entries (component, path) inserted at the top of <c>model</c>.</summary>
    public static string WithWeights(params (string Component, string Block)[] weights) =>
        TinyPipeline.Yaml.Replace("model:\n", "model:\n  weights:\n" + string.Concat(weights.Select(w => $"    {w.Component}: {w.Block}\n")));

    /// <summary>Builds on the CPU with a 40-word vocabulary and the given <c>--set</c> overrides.</summary>
    public static BuiltModel Build(string configPath, params string[] overrides)
    {
        var built = ModelFactory.Build(PipelineLoader.Load(configPath, ["model.llm.vocab_size=40", .. overrides]), Vocabulary, CPU);
        built.Model.eval();
        return built;
    }

    /// <summary>The decoder's logits for two fixed token sequences.</summary>
    public static Tensor LlmLogits(BuiltModel built) => Run(() =>
    {
        using var ids = tensor(new long[] { 1, 5, 7, 2, 39, 11, 3, 3, 20, 0, 17, 8 }, [2, 6]);
        return built.Model.Llm.call(built.Model.Llm.EmbedTokens(ids));
    });

    /// <summary>The vision encoder's features for two fixed images.</summary>
    public static Tensor VisionFeatures(BuiltModel built) => Run(() =>
    {
        using var pixels = linspace(-1, 1, 2 * 3 * 16 * 16).reshape(2, 3, 16, 16).sin();
        return built.Model.Encoders["vision"].Encode(pixels);
    });

    /// <summary>The audio encoder's features for two fixed half-second clips.</summary>
    public static Tensor AudioFeatures(BuiltModel built) => Run(() =>
    {
        using var waves = (linspace(0, 400, 2 * 8000).reshape(2, 8000).sin() * 0.3).contiguous();
        return built.Model.Encoders["audio"].Encode(waves);
    });

    /// <summary>Rounds every parameter of the component to <paramref name="type"/>'s precision, so storing it in that type is lossless.</summary>
    public static void RoundTo(BuiltModel built, string component, ScalarType type) => Run(() =>
    {
        using var noGrad = no_grad();
        foreach (var (_, parameter) in built.Model.Components[component].Module.named_parameters())
        {
            using var scope = NewDisposeScope();
            parameter.copy_(parameter.to(type).to(parameter.dtype));
        }
        return zeros(1);
    }).Dispose();

    /// <summary>Fills the named parameters with seeded random values (LoRA's B starts at zero; this makes the adapter matter).</summary>
    public static void Randomise(BuiltModel built, Func<string, bool> which, long seed) => Run(() =>
    {
        using var noGrad = no_grad();
        using var generator = new TorchSharp.torch.Generator((ulong)seed);
        foreach (var (name, parameter) in built.Inventory.All.Where(p => which(p.Name)))
            parameter.normal_(0, 0.2, generator);
        return zeros(1);
    }).Dispose();

    /// <summary>The decoder's base tensors under Hugging Face names, for tests that edit them before writing.</summary>
    public static List<(string Name, Tensor Tensor)> LlamaTensors(BuiltModel built) =>
        built.Model.Llm.state_dict().Where(kv => AdapterKeys.AdapterOf(built, "llm." + kv.Key) is null)
            .Select(kv => (kv.Key, kv.Value)).ToList();

    /// <summary>Writes <paramref name="tensors"/> and a LLaMA <c>config.json</c> for <paramref name="built"/>'s decoder, edited by <paramref name="editConfig"/>.</summary>
    public static void WriteLlama(string directory, BuiltModel built, IReadOnlyList<(string Name, Tensor Tensor)> tensors,
        Action<JsonObject>? editConfig = null, SafetensorsDType? floatType = null, long maxShardBytes = long.MaxValue)
    {
        var config = LlamaConfigJson.Create(built.Model.Llm.Options, "float32");
        editConfig?.Invoke(config);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "config.json"), config.ToJsonString());
        SafetensorsCheckpoint.Write(directory, tensors, maxShardBytes, floatType: floatType);
    }

    /// <summary>Whether two tensors have the same shape and bit-identical values.</summary>
    public static bool Identical(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && FinalizerFence.Run(() =>
        {
            using var scope = NewDisposeScope();
            return a.equal(b).all().item<bool>();
        });

    /// <summary>Runs tensor work inside the finalizer fence and a dispose scope; the result leaves the scope.</summary>
    public static Tensor Run(Func<Tensor> work) => FinalizerFence.Run(() =>
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return work().MoveToOuterDisposeScope();
    });
}
