namespace Pipeline.Host.Tests.Pipelines;

/// <summary>A tiny pipeline YAML (all three modalities, two stages) written to a fresh temporary folder.</summary>
public sealed class TinyPipeline : IDisposable
{
    public const string Yaml = """
        run:
          output_dir: out
          seed: 3
          device: cpu
          log_every: 5
        model:
          llm: { hidden_size: 32, intermediate_size: 64, layers: 1, heads: 2, kv_heads: 1, max_sequence_length: 48 }
          encoders:
            vision:
              plugin: vision
              options: { image_size: 16, patch_size: 8, width: 32, layers: 1, heads: 2 }
            audio:
              plugin: audio
              options: { width: 32, layers: 1, heads: 2, mel_bins: 20, pool_to: 4 }
          adapters:
            - plugin: lora
              options:
                rank: 4
                alpha: 8
                dropout: 0.0
                targets:
                  llm: [q_proj, v_proj]
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
            steps: 10
            batch_size: 16
            scheduler:
              plugin: warmup_cosine
              options: { warmup_steps: 2 }
        """;

    public TinyPipeline(string yaml = Yaml)
    {
        Directory = Path.Combine(Path.GetTempPath(), "pipeline-tiny-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        ConfigPath = Path.Combine(Directory, "pipeline.yaml");
        File.WriteAllText(ConfigPath, yaml);
    }

    public string Directory { get; }

    public string ConfigPath { get; }

    public string OutputDirectory => Path.Combine(Directory, "out");

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
