using Pipeline.Contracts.Runtime;
using Pipeline.Host.Data;
using Pipeline.Host.Modules.Multimodal;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Adapters;

/// <summary>
/// A tiny multimodal model with the <c>mma</c> plugin on the LLM and both encoders, built through the YAML loader and
/// plugin discovery (the host has no compile-time reference to the plugin), with a batch mixing text-only and media samples.
/// </summary>
public sealed class MmaModel : IDisposable
{
    public const string Yaml = """
        run: { output_dir: out, seed: 3, device: cpu, log_every: 5 }
        model:
          llm: { hidden_size: 32, intermediate_size: 64, layers: 2, heads: 2, kv_heads: 1, max_sequence_length: 48 }
          encoders:
            vision:
              plugin: vision
              options: { image_size: 16, patch_size: 8, width: 32, layers: 2, heads: 2, output_tokens: cls_every_k, cls_every: 1 }
            audio:
              plugin: audio
              options: { width: 32, layers: 2, heads: 2, mel_bins: 20, class_token: true, output_tokens: cls_every_k, cls_every: 2 }
          projector: { hidden_size: 16, activation: silu }
          adapters:
            - plugin: mma
              options:
                dropout: 0.0
                targets: { llm: [attn_input], vision: [attn_input], audio: [attn_input] }
        data:
          synthetic: { seed: 5, pretrain_per_category: 40, train_per_category: 40, eval_per_category: 10 }
          eval_batch_size: 32
        stages:
          - name: pretrain
            split: pretrain
            trainable: [llm, encoders, projectors]
            steps: 30
            batch_size: 16
            learning_rate: { encoder: 3.0e-3, llm: 3.0e-3 }
          - name: instruct
            split: train
            trainable: [adapters, projectors]
            steps: 30
            batch_size: 16
            learning_rate: { encoder: 1.0e-2, llm: 1.0e-2 }
            beta2: 0.95
            weight_decay: 0.02
        """;

    private readonly TinyPipeline _pipeline;

    /// <param name="withMma">Whether to keep the adapter (without it, the same base weights: every component has its own seed).</param>
    /// <param name="yaml">The pipeline, <see cref="Yaml"/> unless a test varies it (the adapter's options, for instance).</param>
    public MmaModel(bool withMma = true, string yaml = Yaml)
    {
        _pipeline = new TinyPipeline(withMma ? yaml : yaml[..yaml.IndexOf("  adapters:", StringComparison.Ordinal)] + yaml[yaml.IndexOf("data:", StringComparison.Ordinal)..]);
        var definition = PipelineLoader.Load(_pipeline.ConfigPath);
        var (tokenizer, splits) = DataFactory.Load(definition);
        Built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        Built.Model.eval();
        var collator = new BatchCollator(tokenizer, Built.Model, Built.Model.Llm.Options.MaxSequenceLength);
        Samples = new[] { "text", "image", "audio", "text", "image", "audio" }
            .Select((category, i) => splits.Train.Where(s => s.Category == category).ElementAt(i)).ToList();
        Batch = collator.Collate(Samples, CPU);
    }

    public BuiltModel Built { get; }

    /// <summary>Text, image, audio, text, image, audio.</summary>
    public IReadOnlyList<TokenizedSample> Samples { get; }

    public ModelBatch Batch { get; }

    public MultimodalModel Model => Built.Model;

    /// <summary>The model parameter named <paramref name="name"/> (full state-dict key).</summary>
    public Parameter Parameter(string name) => Model.named_parameters().Single(p => p.name == name).parameter;

    /// <summary>The submodule at <paramref name="path"/>.</summary>
    public nn.Module<Tensor, Tensor> Module(string path) => (nn.Module<Tensor, Tensor>)Model.named_modules().Single(m => m.name == path).module;

    /// <summary>Logits of <see cref="Batch"/>, without gradients, inside the finalizer fence.</summary>
    public Tensor Logits() => FinalizerFence.Run(() =>
    {
        using var noGrad = no_grad();
        return Model.Forward(Batch).Logits;
    });

    /// <summary>Fills every MMA up-projection with random values, so the adapters no longer start as identities.</summary>
    public void RandomiseUpProjections(long seed)
    {
        manual_seed(seed);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in Model.named_parameters().Where(p => p.name.Contains(".mma.up_proj_")))
            parameter.normal_(0, 0.5);
    }

    public void Dispose()
    {
        Batch.Dispose();
        Built.Dispose();
        _pipeline.Dispose();
    }
}
