using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Schedulers;

namespace Pipeline.Host.Composition;

/// <summary>
/// Every plugin found in an ordered list of directories, and every problem met while looking.
/// </summary>
/// <remarks>
/// Only <c>*.dll</c> files at the top level of each directory are considered (no recursion: a plugin's build
/// output is dropped into a plugins folder, not referenced where it was built). Directories are scanned in the
/// order given and files in ordinal name order; when two plugins of the same kind share a name the first one
/// wins and the later one is reported. Each plugin assembly gets its own <see cref="PluginLoadContext"/> and
/// its own MEF container, so one broken file cannot hide the others. Files are read as metadata first and only
/// loaded when they can hold plugins: a file that is not a .NET assembly is a problem; host-owned copies
/// (Pipeline.Contracts, TorchSharp, System.Composition.*, the host) and assemblies that do not reference the
/// contracts (a plugin's private dependencies) are skipped without a word.
/// </remarks>
public sealed class PluginCatalog
{
    private readonly Dictionary<(string Kind, string Name), PluginDescriptor> _byKindAndName;

    private PluginCatalog(IReadOnlyList<PluginDescriptor> plugins, IReadOnlyList<PluginLoadProblem> problems,
        IReadOnlyList<string> assemblyPaths)
    {
        Plugins = plugins;
        Problems = problems;
        AssemblyPaths = assemblyPaths;
        _byKindAndName = plugins.ToDictionary(p => (p.Kind, p.Name));
    }

    /// <summary>The accepted plugins, in discovery order.</summary>
    public IReadOnlyList<PluginDescriptor> Plugins { get; }

    /// <summary>Files and exports that were rejected, in discovery order.</summary>
    public IReadOnlyList<PluginLoadProblem> Problems { get; }

    /// <summary>The full paths of the files loaded as plugin assemblies (whether or not they exported anything).</summary>
    public IReadOnlyList<string> AssemblyPaths { get; }

    /// <summary>
    /// Loads every plugin from <paramref name="directories"/> (see the remarks on <see cref="PluginCatalog"/>).
    /// Use <see cref="PluginSearchPath.Resolve"/> to get the host's standard list.
    /// </summary>
    /// <param name="directories">The plugin directories, in search order.</param>
    /// <param name="pluginLock">
    /// When given, every pinned file of every directory but the built-in one is checked against it before anything
    /// is loaded (<see cref="PluginLock.Verify"/>), and the assemblies of those directories are loaded from the bytes that
    /// were hashed, never read from disk again.
    /// </param>
    /// <exception cref="DirectoryNotFoundException">A directory does not exist; the message names it.</exception>
    /// <exception cref="PluginLockException">The lock refuses a file: it changed, is not listed, or is listed but missing.</exception>
    public static PluginCatalog Load(IEnumerable<string> directories, PluginLock? pluginLock = null)
    {
        var fullPaths = directories.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToList();
        foreach (string directory in fullPaths)
            if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"plugin directory '{directory}' does not exist");
        IReadOnlyDictionary<string, byte[]>? verified = pluginLock?.Verify(fullPaths);
        string builtIn = Path.TrimEndingDirectorySeparator(Path.GetFullPath(PluginSearchPath.BuiltInDirectory));

        var plugins = new List<PluginDescriptor>();
        var problems = new List<PluginLoadProblem>();
        var assemblyPaths = new List<string>();
        var owners = new Dictionary<(string Kind, string Name), string>();
        foreach (string directory in fullPaths)
        {
            bool isLocked = verified is not null && Path.TrimEndingDirectorySeparator(directory) != builtIn;
            foreach (string path in Directory.GetFiles(directory, "*.dll").Order(StringComparer.Ordinal))
            {
                if (isLocked && !verified!.ContainsKey(path))
                    throw new PluginLockException($"plugin file '{path}' appeared after {pluginLock!.Path} was checked; refusing to load it");
                PluginAssemblyLoader.Result result = PluginAssemblyLoader.Load(path, isLocked ? verified : null);
                if (result.IsPluginAssembly) assemblyPaths.Add(path);
                problems.AddRange(result.Problems);
                foreach (var (metadata, factory) in result.Exports)
                {
                    var key = (metadata.Kind, metadata.Name);
                    if (owners.TryGetValue(key, out string? firstPath))
                    {
                        problems.Add(new PluginLoadProblem(path,
                            $"plugin '{metadata.Kind}/{metadata.Name}' is already provided by {firstPath}; this one is ignored"));
                        continue;
                    }
                    owners[key] = path;
                    plugins.Add(new PluginDescriptor(metadata, path, factory));
                }
            }
        }
        return new PluginCatalog(plugins, problems, assemblyPaths);
    }

    /// <summary>The names of the plugins of <paramref name="kind"/>, sorted.</summary>
    public IReadOnlyList<string> Names(string kind) =>
        Plugins.Where(p => p.Kind == kind).Select(p => p.Name).Order(StringComparer.Ordinal).ToList();

    /// <summary>Whether a plugin of <paramref name="kind"/> named <paramref name="name"/> exists.</summary>
    public bool Contains(string kind, string name) => _byKindAndName.ContainsKey((kind, name));

    /// <summary>The descriptor of the plugin of <paramref name="kind"/> named <paramref name="name"/>.</summary>
    /// <exception cref="UnknownPluginException">There is none; the message lists the known names.</exception>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is not one of <see cref="PluginKind.All"/>.</exception>
    public PluginDescriptor Describe(string kind, string name)
    {
        if (!PluginKind.All.Contains(kind))
            throw new ArgumentException($"unknown plugin kind '{kind}'; known kinds: {string.Join(", ", PluginKind.All)}", nameof(kind));
        return _byKindAndName.TryGetValue((kind, name), out PluginDescriptor? descriptor)
            ? descriptor
            : throw new UnknownPluginException(kind, name, Names(kind));
    }

    /// <summary>The factory of the plugin of <paramref name="kind"/> named <paramref name="name"/>.</summary>
    /// <exception cref="UnknownPluginException">There is none; the message lists the known names.</exception>
    public IPluginFactory Get(string kind, string name) => Describe(kind, name).Factory;

    /// <summary>The encoder factory named <paramref name="name"/>.</summary>
    /// <exception cref="UnknownPluginException">There is none; the message lists the known encoders.</exception>
    public IEncoderFactory GetEncoder(string name) => (IEncoderFactory)Get(PluginKind.Encoder, name);

    /// <summary>The adapter factory named <paramref name="name"/>.</summary>
    /// <exception cref="UnknownPluginException">There is none; the message lists the known adapters.</exception>
    public IAdapterFactory GetAdapter(string name) => (IAdapterFactory)Get(PluginKind.Adapter, name);

    /// <summary>The scheduler factory named <paramref name="name"/>.</summary>
    /// <exception cref="UnknownPluginException">There is none; the message lists the known schedulers.</exception>
    public ISchedulerFactory GetScheduler(string name) => (ISchedulerFactory)Get(PluginKind.Scheduler, name);
}
