using System.CommandLine;
using Pipeline.Host.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Host.Cli;

/// <summary>
/// <c>pipeline validate FILE</c>: loads plugins, binds every option, builds the model on the meta device (no weights
/// are allocated) and attaches every adapter, so bad targets are found, all without touching data or training.
/// </summary>
public static class ValidateCommand
{
    public static Command Create()
    {
        var file = CommonOptions.ConfigFile();
        var set = CommonOptions.Set();
        var plugins = CommonOptions.Plugins();
        var command = new Command("validate", "Check a pipeline YAML: plugins, options, model and adapter targets, without training.") { file, set, plugins };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            var definition = PipelineLoader.Load(parse.GetValue(file)!, parse.GetValue(set) ?? [], parse.GetValue(plugins) ?? []);
            int vocabulary = Math.Max(2, definition.Config.Model.Llm.VocabSize);
            using var built = ModelFactory.Build(definition, vocabulary, META);
            Console.WriteLine($"{definition.Document.Path}: valid");
            foreach (var encoder in definition.Encoders) Console.WriteLine($"  encoder  {encoder.InstanceName}: plugin {encoder.PluginName}");
            foreach (var weights in built.LoadedWeights) Console.WriteLine($"  weights  {weights.Component}: {weights.Loaded.Count} tensors fit, from '{weights.Directory}'");
            foreach (var adapter in built.Adapters) Console.WriteLine($"  adapter  {adapter.Name}: {adapter.AttachedSites.Count} sites");
            foreach (var stage in definition.Config.Stages)
                Console.WriteLine($"  stage    {stage.Name}: split {stage.Split.ToString().ToLowerInvariant()}, trains [{string.Join(", ", stage.Trainable)}], scheduler {stage.Scheduler.Plugin}");
            if (definition.Config.Model.Llm.VocabSize == 0) Console.WriteLine("  (vocabulary size comes from the tokenizer when training)");
            return 0;
        }, Console.Error));
        return command;
    }
}
