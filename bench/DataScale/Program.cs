using System.Text;
using System.Text.Json;
using Pipeline.Contracts.Media;
using Pipeline.Host.Data;

// Usage: DataScale OUTPUT_DIR SAMPLES
// Writes OUTPUT_DIR/media/image-0..9.png (224 x 224), OUTPUT_DIR/train.json with SAMPLES conversations (every
// sample points at one of the ten images, one in ten is text-only), OUTPUT_DIR/eval.json (50 samples) and
// OUTPUT_DIR/pipeline.yaml (a tiny model, 5 steps, no evaluation, no checkpoints).
if (args.Length != 2 || !int.TryParse(args[1], out int count) || count < 1)
{
    Console.Error.WriteLine("usage: DataScale OUTPUT_DIR SAMPLES");
    return 2;
}
string root = Path.GetFullPath(args[0]);
Directory.CreateDirectory(Path.Combine(root, "media"));
var random = new Random(11);
const int Side = 224;
for (int i = 0; i < 10; i++)
{
    var pixels = new float[3 * Side * Side];
    for (int p = 0; p < pixels.Length; p++) pixels[p] = (float)random.NextDouble();
    ImageFileEncoder.WritePng(Path.Combine(root, "media", $"image-{i}.png"), new ImageItem($"image-{i}", pixels, Side, Side));
}

string[] colours = ["red", "green", "blue", "yellow", "black", "white", "purple", "orange", "grey", "brown"];
void WriteSet(string name, int samples)
{
    using var file = new StreamWriter(Path.Combine(root, name), false, new UTF8Encoding(false));
    file.Write("[\n");
    for (int i = 0; i < samples; i++)
    {
        int image = i % 10;
        object item = i % 10 == 9
            ? new { id = $"{name}-{i}", conversations = Turns($"which colour comes after {colours[image]} ?", colours[(image + 1) % 10]) }
            : new { id = $"{name}-{i}", image = $"media/image-{image}.png", conversations = Turns("<image>\nwhat colour is the picture ?", colours[image]) };
        file.Write(JsonSerializer.Serialize(item));
        file.Write(i + 1 < samples ? ",\n" : "\n");
    }
    file.Write("]\n");
}
WriteSet("train.json", count);
WriteSet("eval.json", 50);

File.WriteAllText(Path.Combine(root, "pipeline.yaml"), """
    run: { output_dir: run, seed: 1, device: cpu, log_every: 1, checkpoint: { every: 0 } }
    model:
      llm: { hidden_size: 64, intermediate_size: 176, layers: 2, heads: 4, kv_heads: 2, max_sequence_length: 64 }
      encoders:
        vision: { plugin: vision, options: { image_size: 32, patch_size: 8, width: 64, layers: 2, heads: 4 } }
      adapters:
        - { plugin: lora, options: { rank: 8, alpha: 16, targets: { llm: [q_proj, v_proj] } } }
    data:
      source: llava_json
      llava: { train: train.json, eval: eval.json }
    stages:
      - { name: instruct, split: train, trainable: [adapters, projectors], steps: 5, batch_size: 16, evaluate: false }
    """);
Console.WriteLine($"{root}: {count} train samples, 10 images of {Side} x {Side}");
return 0;

static object[] Turns(string question, string answer) =>
    [new { from = "human", value = question }, new { from = "gpt", value = answer }];
