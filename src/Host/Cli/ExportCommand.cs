using System.CommandLine;
using System.Globalization;
using Pipeline.Host.Interop;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Safetensors;

namespace Pipeline.Host.Cli;

/// <summary>
/// <c>pipeline export FILE --out DIR [--format peft|adapters|merged]</c>: builds the model the YAML declares, loads a
/// training checkpoint into it and writes its adapters (PEFT's LoRA format or this project's own) or the decoder with
/// its adapters merged (a Hugging Face LLaMA directory). docs/INTEROP.md describes the formats.
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var file = CommonOptions.ConfigFile();
        var set = CommonOptions.Set();
        var plugins = CommonOptions.Plugins();
        var output = new Option<string>("--out")
        {
            Description = "The directory to write; it must not exist or be empty.",
            Required = true,
            HelpName = "DIR",
        };
        var format = new Option<string>("--format")
        {
            Description = "peft: one LoRA adapter in PEFT's format, a subdirectory per adapted component (llm/, vision/, ...). " +
                "adapters: any adapters in this project's format (adapter_model.safetensors + pipeline_adapter.json). " +
                "merged: the decoder with its adapters merged, as a Hugging Face LLaMA directory (config.json + model.safetensors).",
            DefaultValueFactory = _ => "peft",
        };
        format.AcceptOnlyFromAmong("peft", "adapters", "merged");
        var checkpoint = new Option<string>("--checkpoint")
        {
            Description = "A checkpoint directory (with model.safetensors), or a run's output directory or its checkpoints/ folder, " +
                "whose 'latest' file names one. Default: the YAML's run.output_dir.",
            HelpName = "PATH",
        };
        var adapter = new Option<string>("--adapter")
        {
            Description = "The adapter to export, by its name in model.adapters. peft: required when the model has several; adapters: default all.",
            HelpName = "NAME",
        };
        var baseModel = new Option<string>("--base-model")
        {
            Description = "base_model_name_or_path for adapter_config.json (a hub id or path). Default: the component's model.weights path, if any.",
            HelpName = "NAME",
        };
        var dtype = new Option<string>("--dtype")
        {
            Description = "The stored type of floating-point tensors.",
            DefaultValueFactory = _ => "f32",
        };
        dtype.AcceptOnlyFromAmong("f32", "f16", "bf16");
        var maxShardSize = new Option<string>("--max-shard-size")
        {
            Description = "merged: the largest safetensors file before the weights are split into shards with an index (5GB, 500MB, 2GiB, or bytes).",
            DefaultValueFactory = _ => "5GB",
            HelpName = "SIZE",
        };

        var command = new Command("export", "Write a trained model's adapters in PEFT's or this project's format, or its decoder with the adapters merged.")
        {
            file, output, format, checkpoint, adapter, baseModel, dtype, maxShardSize, set, plugins,
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            var options = new ExportOptions
            {
                OutputDirectory = parse.GetValue(output)!,
                Format = Enum.Parse<ExportFormat>(parse.GetValue(format)!, ignoreCase: true),
                Checkpoint = parse.GetValue(checkpoint),
                Adapter = parse.GetValue(adapter),
                BaseModel = parse.GetValue(baseModel),
                FloatType = Enum.Parse<SafetensorsDType>(parse.GetValue(dtype)!, ignoreCase: true),
                MaxShardBytes = ParseSize(parse.GetValue(maxShardSize)!),
            };
            var definition = PipelineLoader.Load(parse.GetValue(file)!, parse.GetValue(set) ?? [], parse.GetValue(plugins) ?? []);
            ModelExport.Run(definition, options, line => Console.WriteLine(line));
            return 0;
        }, Console.Error));
        return command;
    }

    /// <summary>Parses <c>5GB</c>, <c>500MB</c>, <c>2GiB</c>, <c>64KB</c> or a plain byte count (decimal units as Hugging Face uses them).</summary>
    public static long ParseSize(string text)
    {
        string trimmed = text.Trim();
        var units = new (string Suffix, long Factor)[]
        {
            ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1000), ("B", 1),
        };
        var (suffix, factor) = units.FirstOrDefault(u => trimmed.EndsWith(u.Suffix, StringComparison.OrdinalIgnoreCase), ("", 1));
        string number = trimmed[..^suffix.Length].Trim();
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value * factor >= 1) || double.IsInfinity(value))
            throw ExportUsage.Error("--max-shard-size", $"expected a size such as 5GB, 500MB or 2GiB, got '{text}'");
        return (long)(value * factor);
    }
}
