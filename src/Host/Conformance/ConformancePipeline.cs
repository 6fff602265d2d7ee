using Pipeline.Host.Pipelines;

namespace Pipeline.Host.Conformance;

/// <summary>
/// The tiny pipeline the conformance kit checks an adapter in: a one-layer LLM with a vision and an audio encoder (so
/// adapters that target encoders find them), synthetic data, and one stage that trains only adapters. The YAML is
/// written to a temporary folder, which <see cref="Dispose"/> deletes.
/// </summary>
public sealed class ConformancePipeline : IDisposable
{
    /// <summary>The adapter instance's name in the pipeline: deliberately not the plugin's name, so an adapter that names its modules after its plugin instead of <c>AdapterBuildContext.AdapterName</c> is caught.</summary>
    public const string InstanceName = "under_test";

    private ConformancePipeline(string directory, PipelineDefinition definition)
    {
        Directory = directory;
        Definition = definition;
    }

    /// <summary>The temporary folder holding the YAML and everything the checks write.</summary>
    public string Directory { get; }

    /// <summary>The loaded pipeline; its single adapter is the one under test.</summary>
    public PipelineDefinition Definition { get; }

    /// <summary>
    /// Writes and loads the pipeline for adapter plugin <paramref name="plugin"/> with <paramref name="options"/>, a YAML flow
    /// mapping such as <c>{ rank: 4 }</c> (braces optional; <c>null</c> takes the plugin's defaults).
    /// </summary>
    /// <exception cref="Config.Binding.ConfigException">The plugin is unknown or the options do not bind or validate.</exception>
    public static ConformancePipeline Create(string plugin, string? options, IEnumerable<string> pluginDirectories)
    {
        string directory = Path.Combine(Path.GetTempPath(), "pipeline-check-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        try
        {
            string path = Path.Combine(directory, "pipeline.yaml");
            File.WriteAllText(path, Yaml(plugin, options));
            return new ConformancePipeline(directory, PipelineLoader.Load(path, [], pluginDirectories));
        }
        catch
        {
            DeleteQuietly(directory);
            throw;
        }
    }

    /// <summary>The pipeline YAML for <paramref name="plugin"/> with <paramref name="options"/> (see <see cref="Create"/>).</summary>
    public static string Yaml(string plugin, string? options)
    {
        string flow = string.IsNullOrWhiteSpace(options) ? "{}" : options.Trim().StartsWith('{') ? options.Trim() : "{ " + options.Trim() + " }";
        return $$"""
            run:
              output_dir: out
              seed: 3
              device: cpu
              log_every: 100
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
                - plugin: {{plugin}}
                  name: {{InstanceName}}
                  options: {{flow}}
            data:
              synthetic: { seed: 5, pretrain_per_category: 1, train_per_category: 16, eval_per_category: 4 }
              eval_batch_size: 16
            stages:
              - name: conformance
                split: train
                trainable: [adapters]
                steps: 30
                batch_size: 8
                evaluate: false
                learning_rate: { encoder: 5.0e-2, llm: 5.0e-2 }
            """;
    }

    /// <inheritdoc />
    public void Dispose() => DeleteQuietly(Directory);

    private static void DeleteQuietly(string directory)
    {
        try { System.IO.Directory.Delete(directory, recursive: true); }
        catch (IOException) { }
    }
}
