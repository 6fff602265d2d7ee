using System.Text.Json;
using Pipeline.Contracts.Media;
using Pipeline.Host.Data;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>
/// A <see cref="TinyPipeline"/> on LLaVA-style files in its <c>data/</c> folder: <c>eval.json</c> (also the pretrain
/// split) holds three good samples (a PNG image, a 16 kHz WAV clip, text); <c>train.json</c> holds them plus whatever
/// bad items a test adds, one item per line so item <c>k</c> is on line <c>k + 2</c>.
/// </summary>
public sealed class LlavaDataFolder : IDisposable
{
    private readonly TinyPipeline _pipeline;

    public LlavaDataFolder(string onError = "error", string yamlExtra = "")
    {
        string yaml = TinyPipeline.Yaml
            .Replace("  synthetic: { seed: 5, pretrain_per_category: 40, train_per_category: 40, eval_per_category: 10 }",
                     $"  source: llava_json\n  on_error: {onError}\n  llava: {{ train: data/train.json, eval: data/eval.json, pretrain: data/eval.json }}")
            .Replace("    steps: 30\n", "    steps: 2\n")
            .Replace("    steps: 10\n", "    steps: 1\n") + yamlExtra;
        _pipeline = new TinyPipeline(yaml);
        Directory.CreateDirectory(DataDirectory);
        var random = new Random(3);
        ImageFileEncoder.WritePng(Media("red.png"), new ImageItem("red", Enumerable.Range(0, 3 * 20 * 24).Select(_ => (float)random.NextDouble()).ToArray(), 20, 24));
        WavFileWriter.Write(Media("beep.wav"), Tone(8000), 16000);
        WriteJson("eval.json", GoodItems);
    }

    /// <summary>The good samples every file starts with.</summary>
    public static IReadOnlyList<object> GoodItems { get; } =
    [
        new { id = "img-1", image = "red.png", conversations = Turns("<image>\nwhat colour is it ?", "red") },
        new { id = "aud-1", audio = "beep.wav", conversations = Turns("<audio>\nhow many beeps ?", "one") },
        new { id = "txt-1", conversations = Turns("what comes after one ?", "two") },
    ];

    public string ConfigPath => _pipeline.ConfigPath;

    public string OutputDirectory => _pipeline.OutputDirectory;

    public string DataDirectory => Path.Combine(_pipeline.Directory, "data");

    public string TrainJson => Path.Combine(DataDirectory, "train.json");

    /// <summary>The path of a media file in the data folder.</summary>
    public string Media(string name) => Path.Combine(DataDirectory, name);

    /// <summary>Writes <c>train.json</c>: the good items, then <paramref name="bad"/>.</summary>
    public void WriteTrain(params object[] bad) => WriteJson("train.json", [.. GoodItems, .. bad]);

    public static object[] Turns(string question, string answer) =>
        [new { from = "human", value = question }, new { from = "gpt", value = answer }];

    public static float[] Tone(int samples) => Enumerable.Range(0, samples).Select(i => (float)(0.3 * Math.Sin(i * 0.2))).ToArray();

    private void WriteJson(string name, IEnumerable<object> items) =>
        File.WriteAllText(Path.Combine(DataDirectory, name), "[\n" + string.Join(",\n", items.Select(i => JsonSerializer.Serialize(i))) + "\n]\n");

    public void Dispose() => _pipeline.Dispose();
}
