using System.Diagnostics;
using System.Globalization;
using Pipeline.Bench.FrozenPrecision;
using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Encoders;
using Pipeline.Host.Config;
using Pipeline.Host.Modules.Llama;
using Pipeline.Host.Modules.Multimodal;
using Pipeline.Host.Training;
using Pipeline.Plugins.Adapters.Lora;
using TorchSharp;
using static TorchSharp.torch;

// LoRA (rank 8 on every projection) on a frozen text-only decoder whose base weights are stored in the --dtype given,
// through the host's own code: FrozenWeightPrecision converts the frozen weights as a stage start does, and each step
// is MultimodalModel.Forward, the float32 cross-entropy, backward and AdamW on the LoRA parameters. One dtype per
// process, so that the peak resident memory is this dtype's alone; set-up (building in float32, converting) is left out
// of the peak by resetting it before the first step.
var options = BenchOptions.Parse(args);
if (options.Threads > 0) set_num_threads(options.Threads);
manual_seed(1);
var forwardContext = new ForwardContextAccessor();
var llm = new LlamaForCausalLM(new LlamaOptions
{
    VocabSize = options.Vocabulary, HiddenSize = options.Hidden, IntermediateSize = options.Intermediate, Layers = options.Layers,
    Heads = options.Heads, KvHeads = options.KvHeads, MaxSequenceLength = options.Length,
}, forwardContext);
var model = new MultimodalModel(llm, new Dictionary<string, IEncoder>(), new Dictionary<string, Projector>(), forwardContext);
var baseNames = model.named_parameters().Select(p => p.name).ToList();
new LoraAdapterFactory().Attach(new LoraOptions
{
    Rank = options.Rank, Alpha = 2 * options.Rank, Dropout = 0,
    Targets = new() { ["llm"] = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"] },
}, new AdapterBuildContext("lora", model.Components, forwardContext, CPU, 2));
var inventory = new ParameterInventory(model.named_parameters().Select(p => (p.name, p.parameter)), baseNames);
new FrozenWeightPrecision(model, inventory, new ModelConfig { Dtype = options.Dtype }).Apply(["adapters"]);
var trainable = inventory.Select(["adapters"], []);
using var optimizer = optim.AdamW(trainable.Select(p => p.Parameter), lr: 1e-4);
model.train();

long weightBytes = inventory.All.Sum(p => p.Parameter.numel() * p.Parameter.ElementSize);
long frozenBytes = inventory.All.Where(p => !p.Parameter.requires_grad).Sum(p => p.Parameter.numel() * p.Parameter.ElementSize);
var frozenTypes = inventory.All.Where(p => !p.Parameter.requires_grad).Select(p => p.Parameter.dtype).Distinct();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"frozen base {string.Join("+", frozenTypes.Select(WeightDtypes.Name))}: hidden {options.Hidden}, intermediate {options.Intermediate}, " +
    $"{options.Layers} layers, {options.Heads} heads / {options.KvHeads} KV heads, vocabulary {options.Vocabulary}, batch {options.Batch} x {options.Length} tokens, " +
    $"LoRA rank {options.Rank} on 7 projections ({trainable.Sum(p => p.Parameter.numel()):N0} trainable); torch threads {get_num_threads()}, " +
    $"{Environment.ProcessorCount} processors, load average {File.ReadAllText("/proc/loadavg").Trim()}"));

double Step()
{
    var clock = Stopwatch.StartNew();
    using var scope = NewDisposeScope();
    Tensor ids = randint(0, options.Vocabulary, [options.Batch, options.Length], dtype: ScalarType.Int64);
    using var batch = new ModelBatch
    {
        InputIds = ids, Labels = ids.roll(-1, 1), TokenMask = ones_like(ids, dtype: ScalarType.Bool),
        HasMedia = zeros(options.Batch, dtype: ScalarType.Bool), Media = new Dictionary<string, (Tensor, int, long)>(), Categories = [],
    };
    Tensor loss = LanguageModelLoss.CrossEntropy(model.Forward(batch).Logits, batch.Labels);
    if (loss.dtype != ScalarType.Float32) throw new InvalidOperationException($"the loss is {loss.dtype}, expected float32");
    loss.backward();
    optimizer.step();
    optimizer.zero_grad();
    return clock.Elapsed.TotalMilliseconds;
}

for (int i = 0; i < options.Warmup; i++) Step();
long residentBefore = ProcessMemory.Resident();
long setUpPeak = ProcessMemory.Peak();
ProcessMemory.ResetPeak();
var times = Enumerable.Range(0, options.Steps).Select(_ => Step()).Order().ToList();
long peak = ProcessMemory.Peak();
double median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[times.Count / 2 - 1] + times[times.Count / 2]) / 2;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"| {WeightDtypes.Name(options.Dtype.ToScalarType())} | {weightBytes / 1e6:F1} | {frozenBytes / 1e6:F1} | {setUpPeak / 1e6:F0} | {residentBefore / 1e6:F0} | {peak / 1e6:F0} | {times[0]:F0} | {median:F0} |"));
Console.WriteLine($"columns: dtype | weight MB | frozen weight MB | peak RSS MB of set-up and {options.Warmup} warm-up steps | RSS MB before the timed steps | " +
                  $"peak RSS MB during {options.Steps} timed steps | fastest step ms | median step ms");
Console.WriteLine($"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
