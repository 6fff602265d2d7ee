using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Encoders;
using Pipeline.Host.Composition;
using Pipeline.Host.Config;
using Pipeline.Host.Config.Binding;

namespace Pipeline.Host.Pipelines;

/// <summary>A loaded pipeline: the bound configuration, the plugins it resolved and every plugin's bound options.</summary>
public sealed class PipelineDefinition
{
    public required YamlConfigDocument Document { get; init; }

    public required PipelineConfig Config { get; init; }

    public required PluginCatalog Catalog { get; init; }

    public required IReadOnlyList<ConfiguredPlugin<IEncoderFactory>> Encoders { get; init; }

    public required IReadOnlyList<ConfiguredPlugin<IAdapterFactory>> Adapters { get; init; }

    /// <summary>The folder relative paths in the YAML are resolved against.</summary>
    public string BaseDirectory => Path.GetDirectoryName(Path.GetFullPath(Document.Path))!;

    /// <summary>The run's output directory, absolute.</summary>
    public string OutputDirectory => Resolve(Config.Run.OutputDir);

    /// <summary>Resolves a path from the YAML against <see cref="BaseDirectory"/>.</summary>
    public string Resolve(string path) => Path.GetFullPath(Path.Combine(BaseDirectory, path));
}
