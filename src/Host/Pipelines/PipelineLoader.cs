using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Encoders;
using Pipeline.Host.Composition;
using Pipeline.Host.Config;
using Pipeline.Host.Config.Binding;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Pipelines;

/// <summary>
/// Loads a pipeline YAML: applies <c>--set</c> overrides, loads plugins (built-in, <c>plugins/</c>, the YAML's
/// <c>plugins</c> list and <c>--plugins</c> directories, checked against the plugin lock when there is one), binds the configuration strictly and binds every plugin's
/// options against the plugin's own options type. Every problem is a <see cref="ConfigException"/> with a position.
/// </summary>
public static class PipelineLoader
{
    public static PipelineDefinition Load(string path, IEnumerable<string>? overrides = null, IEnumerable<string>? pluginDirectories = null) =>
        Load(YamlConfigDocument.Load(path, overrides), pluginDirectories);

    /// <summary>Loads a pipeline from a document already read (and changed, for a matrix cell); see <see cref="Load(string, IEnumerable{string}?, IEnumerable{string}?)"/>.</summary>
    public static PipelineDefinition Load(YamlConfigDocument document, IEnumerable<string>? pluginDirectories = null)
    {
        var catalog = PluginCatalog.Load(PluginSearchPath.Resolve(PluginDirectories(document, pluginDirectories ?? [])), PluginLockOf(document));
        var binder = new OptionsBinder(document, new CatalogOptionsResolver(catalog));
        var config = binder.Bind<PipelineConfig>(document.RootNode);

        var encoders = new List<ConfiguredPlugin<IEncoderFactory>>();
        foreach (var (name, node) in config.Model.Encoders)
        {
            var selection = binder.BindSelection(PluginKind.Encoder, node);
            encoders.Add(new(name, selection.Plugin, catalog.GetEncoder(selection.Plugin), selection.Options!, node));
        }
        var adapters = new List<ConfiguredPlugin<IAdapterFactory>>();
        for (int i = 0; i < config.Model.Adapters.Count; i++)
        {
            AdapterBlock block = config.Model.Adapters[i];
            ConfigNode options = block.Options!;
            if (!catalog.Contains(PluginKind.Adapter, block.Plugin))
                throw document.ErrorAt(YamlLocator.Find(document.Root, "model", "adapters", i, "plugin"),
                    UnknownPlugin(catalog, PluginKind.Adapter, block.Plugin, $"model.adapters[{i}].plugin"));
            var factory = catalog.GetAdapter(block.Plugin);
            adapters.Add(new(block.InstanceName, block.Plugin, factory, binder.Bind(factory.OptionsType, options)!, options));
        }
        var duplicate = adapters.GroupBy(a => a.InstanceName).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw document.ErrorAt(YamlLocator.Find(document.Root, "model", "adapters", adapters.LastIndexOf(duplicate.Last())),
                $"model.adapters: two adapters are named '{duplicate.Key}'; give one a different 'name'");
        CheckTrainableWords(document, config);

        return new PipelineDefinition
        {
            Document = document, Config = config, Catalog = catalog, Encoders = encoders, Adapters = adapters,
        };
    }

    /// <summary>The message for an unknown plugin name, in the binder's wording.</summary>
    public static string UnknownPlugin(PluginCatalog catalog, string kind, string name, string keyPath)
    {
        var known = catalog.Names(kind);
        string suggestion = NameSuggestion.DidYouMean(name, known);
        return known.Count == 0
            ? $"unknown {kind} '{name}' at {keyPath}{suggestion}; no {kind}s are installed"
            : $"unknown {kind} '{name}' at {keyPath}{suggestion}; known {kind}s: {string.Join(", ", known)}";
    }

    private static IEnumerable<string> PluginDirectories(YamlConfigDocument document, IEnumerable<string> fromCommandLine)
    {
        string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(document.Path))!;
        var directories = new List<string>();
        if (document.Root.Children.TryGetValue(new YamlScalarNode("plugins"), out YamlNode? node))
        {
            var listed = new OptionsBinder(document).Bind<List<string>>(node, "plugins");
            foreach (string directory in listed)
            {
                string full = Path.GetFullPath(Path.Combine(baseDirectory, directory));
                if (!Directory.Exists(full)) throw document.ErrorAt(node, $"plugins: plugin directory '{directory}' does not exist (looked in {full})");
                directories.Add(full);
            }
        }
        foreach (string directory in fromCommandLine) directories.Add(PluginSearchPath.CommandLineDirectory(directory));
        return directories;
    }

    /// <summary>
    /// The plugin lock in force: the YAML's <c>plugins_lock</c> (which must exist), else <c>plugins.lock</c> next to the
    /// YAML file if present, else none.
    /// </summary>
    private static PluginLock? PluginLockOf(YamlConfigDocument document)
    {
        string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(document.Path))!;
        if (document.Root.Children.TryGetValue(new YamlScalarNode("plugins_lock"), out YamlNode? node))
        {
            string? given = new OptionsBinder(document).Bind<string?>(node, "plugins_lock");
            if (!string.IsNullOrEmpty(given))
            {
                string full = Path.GetFullPath(Path.Combine(baseDirectory, given));
                if (Directory.Exists(full)) throw document.ErrorAt(node, $"plugins_lock: '{given}' is a directory, not a plugin lock file (looked at {full})");
                if (!File.Exists(full)) throw document.ErrorAt(node, $"plugins_lock: plugin lock file '{given}' does not exist (looked for {full})");
                return PluginLock.Load(full);
            }
        }
        string beside = Path.Combine(baseDirectory, PluginLock.DefaultFileName);
        return File.Exists(beside) ? PluginLock.Load(beside) : null;
    }

    private static void CheckTrainableWords(YamlConfigDocument document, PipelineConfig config)
    {
        var encoderNames = config.Model.Encoders.Keys.ToList();
        var adapterNames = config.Model.Adapters.Select(a => a.InstanceName).ToList();
        for (int i = 0; i < config.Model.Adapters.Count; i++)
        {
            string name = adapterNames[i];
            if (StageConfig.TrainableGroups.Contains(name) || encoderNames.Contains(name))
                throw document.ErrorAt(YamlLocator.Find(document.Root, "model", "adapters", i),
                    $"model.adapters[{i}]: the adapter's name '{name}' is also {(encoderNames.Contains(name) ? "an encoder's name" : "a trainable group")}, so stages[].trainable could not tell them apart; give the adapter a different 'name'");
        }
        for (int i = 0; i < config.Stages.Count; i++)
        {
            foreach (string word in config.Stages[i].Trainable)
            {
                if (StageConfig.TrainableGroups.Contains(word) || encoderNames.Contains(word) || adapterNames.Contains(word)) continue;
                throw document.ErrorAt(YamlLocator.Find(document.Root, "stages", i, "trainable"), $"stages[{i}].trainable: unknown group '{word}'; use {string.Join(", ", StageConfig.TrainableGroups)}" +
                    (encoderNames.Count > 0 ? $", an encoder name ({string.Join(", ", encoderNames)})" : "") +
                    (adapterNames.Count > 0 ? $" or an adapter name ({string.Join(", ", adapterNames)})" : ""));
            }
        }
    }
}
