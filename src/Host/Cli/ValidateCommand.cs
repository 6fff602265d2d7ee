using System.CommandLine;
using Pipeline.Host.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Host.Cli;

/// <summary>
/// <c>pipeline validate FILE</c>: loads plugins, binds every option, builds the model on the meta device (no weights
/// are allocated) and attaches every adapter, so bad targets are found; then checks every sample of the data exactly as
/// <c>train</c> does before training (unless <c>--no-data</c>). Nothing is trained and nothing is written to the
/// output directory (the data check's temporary sample files are removed as it ends).
/// </summary>
public static class ValidateCommand
{
    public static Command Create()
    {
        var file = CommonOptions.ConfigFile();
        var set = CommonOptions.Set();
        var plugins = CommonOptions.Plugins();
        var noData = new Option<bool>("--no-data") { Description = "Skip the data check (every sample read, decoded and checked against the model, as train does)." };
        var command = new Command("validate", "Check a pipeline YAML: plugins, options, model and adapter targets, and every sample of its data, without training.")
        {
            file, set, plugins, noData,
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            var definition = PipelineLoader.Load(parse.GetValue(file)!, parse.GetValue(set) ?? [], parse.GetValue(plugins) ?? []);
            bool checkData = !parse.GetValue(noData);
            var dataLines = new List<string>();
            var data = checkData ? DataPreparation.Read(definition, dataLines.Add) : null;
            int vocabulary = data?.Tokenizer.VocabularySize ?? Math.Max(2, definition.Config.Model.Llm.VocabSize);
            using var built = ModelFactory.Build(definition, vocabulary, META);
            // The encoders' collate runs on the CPU and needs no weights, so the meta-device model checks the data as train does.
            if (data is not null) DataPreparation.Check(definition, data, built.Model, dataLines.Add).Report.Splits.Dispose();
            Console.WriteLine($"{definition.Document.Path}: valid");
            foreach (var encoder in definition.Encoders) Console.WriteLine($"  encoder  {encoder.InstanceName}: plugin {encoder.PluginName}");
            foreach (var weights in built.LoadedWeights) Console.WriteLine($"  weights  {weights.Component}: {weights.Loaded.Count} tensors fit, from '{weights.Directory}'");
            foreach (var adapter in built.Adapters) Console.WriteLine($"  adapter  {adapter.Name}: {adapter.AttachedSites.Count} sites");
            foreach (var stage in definition.Config.Stages)
                Console.WriteLine($"  stage    {stage.Name}: split {stage.Split.ToString().ToLowerInvariant()}, trains [{string.Join(", ", stage.Trainable)}], scheduler {stage.Scheduler.Plugin}");
            foreach (string line in dataLines) Console.WriteLine($"  {line}");
            if (!checkData && definition.Config.Model.Llm.VocabSize == 0) Console.WriteLine("  (vocabulary size comes from the tokenizer when training)");
            return 0;
        }, Console.Error));
        return command;
    }
}
