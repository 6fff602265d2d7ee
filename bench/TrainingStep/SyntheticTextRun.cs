using System.Globalization;
using System.Text.Json;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Support;

namespace Pipeline.Bench.TrainingStep;

/// <summary>
/// Writes a text-only training run into a folder: a BPE <c>tokenizer.json</c> of the size's vocabulary, LLaVA-style
/// conversation files of fixed-length samples, and a <c>pipeline.yaml</c> with one stage that trains the adapters of
/// a frozen decoder. Every word is one token (a letter or a two-letter string), so each sample is exactly
/// <c>&lt;bos&gt;</c>, the prompt, the answer and <c>&lt;eos&gt;</c>, <see cref="ModelSize.Length"/> tokens in all.
/// </summary>
internal static class SyntheticTextRun
{
    /// <summary>Which adapter the decoder gets.</summary>
    /// <param name="Experts">0 for plain LoRA on all seven projections; K &gt; 0 for MoLE with K experts on the
    /// feed-forward projections and plain LoRA on the attention projections (the mole plugin's defaults).</param>
    public sealed record Adapter(int Experts)
    {
        public static Adapter Lora { get; } = new(0);

        public string Label => Experts == 0 ? "LoRA" : $"MoLE K={Experts}";
    }

    /// <summary>Writes the run for <paramref name="steps"/> optimizer steps; returns the path of <c>pipeline.yaml</c>.</summary>
    public static string Write(string folder, ModelSize size, Adapter adapter, int steps, int threads)
    {
        string data = Path.Combine(folder, "data");
        Directory.CreateDirectory(data);
        LongSequenceRun.WriteTokenizer(Path.Combine(data, "tokenizer.json"), size.Vocabulary);
        var random = new Random(17);
        WriteConversations(Path.Combine(data, "train.json"), size, random, Math.Max(64, 4 * size.Batch));
        WriteConversations(Path.Combine(data, "eval.json"), size, random, 8);
        string yaml = Path.Combine(folder, "pipeline.yaml");
        File.WriteAllText(yaml, Yaml(size, adapter, steps, threads));
        return yaml;
    }

    /// <summary>
    /// Writes the run of <paramref name="options"/> (its size, threads, and warm-up plus timed steps) with
    /// <paramref name="adapter"/> into <paramref name="folder"/> and loads it.
    /// </summary>
    public static PipelineDefinition Load(string folder, BenchOptions options, Adapter adapter) =>
        PipelineLoader.Load(Write(folder, options.Size, adapter, options.Warmup + options.TimedSteps, options.Threads));

    private static void WriteConversations(string path, ModelSize size, Random random, int count)
    {
        // One-token words: the 26 letters and the 676 two-letter strings, all in any tokenizer of at least 708 entries.
        string Word() => random.Next(27) == 0
            ? ((char)('a' + random.Next(26))).ToString()
            : new string([(char)('a' + random.Next(26)), (char)('a' + random.Next(26))]);
        int answerTokens = size.SupervisedPerSample - 1;
        int promptTokens = size.Length - 2 - answerTokens;
        var items = Enumerable.Range(0, count).Select(i => new
        {
            id = $"text-{i}",
            conversations = new[]
            {
                new { from = "human", value = string.Join(' ', Enumerable.Range(0, promptTokens).Select(_ => Word())) },
                new { from = "gpt", value = string.Join(' ', Enumerable.Range(0, answerTokens).Select(_ => Word())) },
            },
        });
        File.WriteAllText(path, JsonSerializer.Serialize(items));
    }

    private static string AdapterYaml(ModelSize size, Adapter adapter) => adapter.Experts == 0
        ? $"- plugin: lora\n      options: {{ rank: {size.Rank}, alpha: {2 * size.Rank}, dropout: 0.0, targets: {{ llm: [q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj] }} }}"
        : $"- plugin: mole\n      options: {{ experts: {adapter.Experts}, rank: {size.Rank}, alpha: {2 * size.Rank}, dropout: 0.0 }}";

    private static string Yaml(ModelSize size, Adapter adapter, int steps, int threads) => string.Create(CultureInfo.InvariantCulture, $$"""
        run:
          output_dir: out
          seed: 7
          device: cpu
          threads: {{threads}}
          checkpoint: { enabled: false }
        model:
          llm:
            hidden_size: {{size.Hidden}}
            intermediate_size: {{size.Intermediate}}
            layers: {{size.Layers}}
            heads: {{size.Heads}}
            kv_heads: {{size.KvHeads}}
            max_sequence_length: {{size.Length}}
          adapters:
            {{AdapterYaml(size, adapter)}}
        data:
          source: llava_json
          llava: { train: data/train.json, eval: data/eval.json, tokenizer: data/tokenizer.json }
        stages:
          - name: adapters
            split: train
            trainable: [adapters]
            steps: {{steps}}
            batch_size: {{size.Batch}}
            evaluate: false
            learning_rate: { encoder: 1.0e-3, llm: 1.0e-3 }
        """);
}
