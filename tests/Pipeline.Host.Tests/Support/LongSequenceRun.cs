using System.Text.Json;
using Pipeline.Host.Data;

namespace Pipeline.Host.Tests.Support;

/// <summary>
/// Writes a training run with a large vocabulary and long sequences into a folder: a BPE <c>tokenizer.json</c> of
/// <see cref="Sizes.Vocabulary"/> entries, LLaVA-style conversation files whose prompts fill the sequence, and a
/// <c>pipeline.yaml</c> with the quickstart's model dimensions. Shared by the large-vocabulary test and the
/// <c>bench/LargeVocabulary</c> memory benchmark.
/// </summary>
public static class LongSequenceRun
{
    /// <summary>What to write.</summary>
    /// <param name="Vocabulary">Entries in <c>tokenizer.json</c> (at least 32: the specials and the letters).</param>
    /// <param name="SequenceTokens">Tokens per sample (BOS, prompt, answer and EOS), also <c>model.llm.max_sequence_length</c>.</param>
    /// <param name="TrainSamples">Samples in <c>train.json</c>.</param>
    /// <param name="EvalSamples">Samples in <c>eval.json</c>.</param>
    /// <param name="BatchSize">The stage's batch size.</param>
    /// <param name="Steps">The stage's optimizer steps.</param>
    public sealed record Sizes(int Vocabulary, int SequenceTokens, int TrainSamples, int EvalSamples, int BatchSize, int Steps);

    /// <summary>Special tokens, in id order: unknown, BOS, EOS, padding and the two media placeholders (so the model's vocabulary is the file's).</summary>
    public static readonly string[] SpecialTokens = ["<unk>", "<s>", "</s>", "<pad>", "<image>", "<audio>"];

    /// <summary>Answers are one of these four, so the loss can fall in a few steps.</summary>
    private static readonly string[] Answers = ["red", "blue", "green", "gold"];

    /// <summary>Writes everything into <paramref name="folder"/>; returns the path of <c>pipeline.yaml</c>.</summary>
    public static string Write(string folder, Sizes sizes)
    {
        string data = Path.Combine(folder, "data");
        Directory.CreateDirectory(data);
        string tokenizerPath = Path.Combine(data, "tokenizer.json");
        WriteTokenizer(tokenizerPath, sizes.Vocabulary);
        var tokenizer = TokenizerLoader.Load(tokenizerPath);
        var random = new Random(11);
        WriteConversations(Path.Combine(data, "train.json"), tokenizer, random, sizes.TrainSamples, sizes.SequenceTokens);
        WriteConversations(Path.Combine(data, "eval.json"), tokenizer, random, sizes.EvalSamples, sizes.SequenceTokens);
        string yaml = Path.Combine(folder, "pipeline.yaml");
        File.WriteAllText(yaml, Yaml(sizes));
        return yaml;
    }

    /// <summary>
    /// A BPE <c>tokenizer.json</c> (whitespace pre-tokenizer) of <paramref name="size"/> entries: the special tokens,
    /// the 26 letters, every 2- and 3-letter string, then 4-letter strings in alphabetical order. Each string of two or
    /// more letters is the merge of its prefix and its last letter, so every merge joins two entries into a third.
    /// </summary>
    public static void WriteTokenizer(string path, int size)
    {
        var tokens = new List<string>(SpecialTokens);
        var letters = Enumerable.Range('a', 26).Select(c => ((char)c).ToString()).ToList();
        tokens.AddRange(letters);
        var merges = new List<string[]>();
        var previous = letters;
        while (tokens.Count < size)
        {
            var longer = new List<string>();
            foreach (string prefix in previous)
            {
                foreach (string letter in letters)
                {
                    if (tokens.Count == size) break;
                    tokens.Add(prefix + letter);
                    longer.Add(prefix + letter);
                    merges.Add([prefix, letter]);
                }
            }
            previous = longer;
        }
        var document = new
        {
            version = "1.0",
            added_tokens = SpecialTokens.Select((t, id) => new { id, content = t, special = true }),
            normalizer = (object?)null,
            pre_tokenizer = new { type = "WhitespaceSplit" },
            model = new
            {
                type = "BPE",
                unk_token = "<unk>",
                vocab = tokens.Select((t, id) => (t, id)).ToDictionary(p => p.t, p => p.id),
                merges,
            },
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document));
    }

    private static void WriteConversations(string path, ITextTokenizer tokenizer, Random random, int count, int sequenceTokens)
    {
        var items = new List<object>();
        for (int i = 0; i < count; i++)
        {
            string answer = Answers[i % Answers.Length];
            // BOS, the answer and EOS take the rest of the sequence; words are encoded one by one (whitespace splitting).
            int budget = sequenceTokens - 2 - tokenizer.Encode(answer).Count;
            var words = new List<string>();
            int used = 0;
            while (true)
            {
                string word = new(Enumerable.Range(0, random.Next(1, 5)).Select(_ => (char)('a' + random.Next(26))).ToArray());
                int cost = tokenizer.Encode(word).Count;
                if (used + cost > budget) break;
                words.Add(word);
                used += cost;
            }
            items.Add(new
            {
                id = $"long-{i}",
                conversations = new[] { new { from = "human", value = string.Join(' ', words) }, new { from = "gpt", value = answer } },
            });
        }
        File.WriteAllText(path, JsonSerializer.Serialize(items));
    }

    private static string Yaml(Sizes sizes) => $$"""
        run:
          output_dir: out
          seed: 7
          device: cpu
          log_every: 1
          checkpoint: { enabled: false }
        model:
          llm: { hidden_size: 96, intermediate_size: 256, layers: 3, heads: 4, kv_heads: 2, max_sequence_length: {{sizes.SequenceTokens}} }
          encoders:
            vision:
              plugin: vision
              options: { image_size: 32, patch_size: 8, width: 64, layers: 2, heads: 4 }
            audio:
              plugin: audio
              options: { width: 64, layers: 2, heads: 4, mel_bins: 40, pool_to: 8 }
        data:
          source: llava_json
          llava: { train: data/train.json, eval: data/eval.json, tokenizer: data/tokenizer.json }
          eval_batch_size: {{sizes.BatchSize}}
        stages:
          - name: long
            split: train
            trainable: [llm]
            steps: {{sizes.Steps}}
            batch_size: {{sizes.BatchSize}}
            learning_rate: { encoder: 1.0e-3, llm: 1.0e-2 }
        """;
}
