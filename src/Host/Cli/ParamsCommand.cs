using System.CommandLine;
using Pipeline.Host.Config;
using Pipeline.Host.Config.Binding;
using Pipeline.Host.Pipelines;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Cli;

/// <summary>
/// <c>pipeline params FILE</c>: builds the model on the meta device (no weights are allocated, so full-size configurations
/// count in seconds), attaches every adapter and prints <see cref="ParameterCountTable"/>: total parameters per part and,
/// per stage, how many that stage trains; then <see cref="WeightBytesTable"/>: the bytes each part's weights take in each stage.
/// </summary>
public static class ParamsCommand
{
    /// <summary>The <c>params</c> command with its file argument and the <c>--set</c>, <c>--plugins</c> and <c>--stage</c> options.</summary>
    public static Command Create()
    {
        var file = CommonOptions.ConfigFile();
        var set = CommonOptions.Set();
        var plugins = CommonOptions.Plugins();
        var stage = new Option<string?>("--stage")
        {
            Description = "Show the trainable column of this stage only (default: a column for every stage).",
        };
        var command = new Command("params", "Count parameters per component, projector and adapter, and what each stage trains, without allocating weights.")
        {
            file, set, plugins, stage,
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            var definition = PipelineLoader.Load(parse.GetValue(file)!, parse.GetValue(set) ?? [], parse.GetValue(plugins) ?? []);
            var stages = SelectStages(definition.Config.Stages, parse.GetValue(stage));
            var (vocabulary, vocabularySource) = Vocabulary(definition);
            using var built = ModelFactory.Build(definition, vocabulary, META);
            long allocated = built.Inventory.All.Where(p => p.Parameter.device_type != DeviceType.META)
                .Sum(p => p.Parameter.numel() * p.Parameter.ElementSize);
            var table = ParameterCountTable.Create(built.Inventory, stages,
                definition.Encoders.Select(e => e.InstanceName).ToList(), definition.Adapters.Select(a => a.InstanceName).ToList());

            Console.WriteLine($"{definition.Document.Path}: parameters (model built on the meta device, {ParameterCountTable.Format(allocated)} bytes of weights allocated)");
            Console.WriteLine($"vocabulary: {ParameterCountTable.Format(vocabulary)} ({vocabularySource})");
            Console.WriteLine("columns: every parameter, then what each stage trains:");
            foreach (var s in stages) Console.WriteLine($"  {s.Name}: [{string.Join(", ", s.Trainable)}]");
            Console.WriteLine();
            Console.Write(table.Render());
            Console.WriteLine();
            Console.WriteLine("weight bytes in each stage (frozen weights in model.dtype / model.dtypes; trained ones, adapters and projectors in float32):");
            Console.Write(WeightBytesTable.Create(built.Inventory, definition.Config.Model, stages,
                definition.Encoders.Select(e => e.InstanceName).ToList()).Render());
            return 0;
        }, Console.Error));
        return command;
    }

    private static IReadOnlyList<StageConfig> SelectStages(IReadOnlyList<StageConfig> stages, string? name)
    {
        if (name is null) return stages;
        var chosen = stages.Where(s => s.Name == name).ToList();
        return chosen.Count > 0
            ? chosen
            : throw new ConfigException(new ConfigProblem("--stage", 0, 0, $"no stage named '{name}'; stages: {string.Join(", ", stages.Select(s => s.Name))}"));
    }

    // With vocab_size 0 the embedding and output sizes come from the tokenizer, which for the built-in data means
    // generating it: slower, but the totals are then the ones training will have.
    private static (int Size, string Source) Vocabulary(PipelineDefinition definition)
    {
        int configured = definition.Config.Model.Llm.VocabSize;
        if (configured > 0) return (configured, "model.llm.vocab_size");
        var tokenizer = DataFactory.Read(definition).Tokenizer;
        return (tokenizer.VocabularySize, "from the tokenizer");
    }
}
