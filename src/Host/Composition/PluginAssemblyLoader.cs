using System.Composition.Hosting;
using System.Reflection;
using System.Text.RegularExpressions;
using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Schedulers;

namespace Pipeline.Host.Composition;

/// <summary>
/// Loads one plugin file into its own <see cref="PluginLoadContext"/>, composes it in its own MEF container and
/// checks every export. Everything that goes wrong becomes a <see cref="PluginLoadProblem"/>; nothing thrown here
/// reaches other plugin files.
/// </summary>
internal static partial class PluginAssemblyLoader
{
    /// <summary>An export that passed every per-assembly check (the catalog still checks for duplicate names).</summary>
    public sealed record Export(PluginMetadata Metadata, IPluginFactory Factory);

    /// <summary>The result of looking at one file.</summary>
    /// <param name="IsPluginAssembly">Whether the file was loaded as a plugin assembly (false when it was skipped).</param>
    /// <param name="Exports">The exports that passed the checks.</param>
    /// <param name="Problems">Everything rejected, in the order found.</param>
    public sealed record Result(bool IsPluginAssembly, IReadOnlyList<Export> Exports, IReadOnlyList<PluginLoadProblem> Problems);

    /// <summary>The factory interface each kind must implement.</summary>
    public static readonly IReadOnlyDictionary<string, Type> KindInterfaces = new Dictionary<string, Type>
    {
        [PluginKind.Encoder] = typeof(IEncoderFactory),
        [PluginKind.Adapter] = typeof(IAdapterFactory),
        [PluginKind.Scheduler] = typeof(ISchedulerFactory),
    };

    [GeneratedRegex("^[a-z0-9_-]+$")]
    private static partial Regex ValidName();

    /// <summary>
    /// Loads <paramref name="path"/> if it can hold plugins. Files that are not .NET assemblies are problems;
    /// host-owned copies (contracts, TorchSharp, System.Composition, the host) and assemblies that do not
    /// reference the contracts are skipped silently: they are dependencies, not plugins.
    /// </summary>
    /// <param name="path">The full path of the file.</param>
    /// <param name="verified">
    /// When a plugin lock is in force, the bytes it hashed of every pinned assembly (full paths): the file and its
    /// private dependencies are read from these, never from disk (see <see cref="PluginLoadContext"/>).
    /// </param>
    public static Result Load(string path, IReadOnlyDictionary<string, byte[]>? verified = null)
    {
        var problems = new List<PluginLoadProblem>();
        var exports = new List<Export>();
        PluginAssemblyInspector.Identity identity;
        try
        {
            identity = verified is null
                ? PluginAssemblyInspector.Read(path)
                : PluginAssemblyInspector.Read(new MemoryStream(verified[path], writable: false));
        }
        catch (BadImageFormatException e)
        {
            return Rejected(path, $"not a .NET assembly ({e.Message})");
        }
        catch (IOException e)
        {
            return Rejected(path, $"could not be read ({e.Message})");
        }
        if (HostOwnedAssemblies.IsShared(identity.Name) || !identity.ReferencesContracts)
            return new Result(false, [], []);

        CompositionHost container;
        try
        {
            Assembly assembly = new PluginLoadContext(path, verified).LoadPlugin();
            container = new ContainerConfiguration()
                .WithDefaultConventions(new PluginExportAttributeProvider())
                .WithAssembly(assembly)
                .CreateContainer();
        }
        catch (ReflectionTypeLoadException e)
        {
            string cause = e.LoaderExceptions.FirstOrDefault(x => x is not null)?.Message ?? e.Message;
            return Rejected(path, $"could not load its types ({cause})");
        }
        catch (Exception e)
        {
            return Rejected(path, $"could not be loaded ({e.Message})");
        }

        // The container is deliberately not disposed: it owns the factories it creates, which live as long as the process.
        IEnumerable<Lazy<IPluginFactory, PluginMetadata>> lazyExports;
        try
        {
            lazyExports = container.GetExports<Lazy<IPluginFactory, PluginMetadata>>().ToList();
        }
        catch (Exception e)
        {
            return Rejected(path, $"could not be composed ({e.Message})");
        }

        foreach (var lazy in lazyExports.OrderBy(x => x.Metadata.Kind, StringComparer.Ordinal).ThenBy(x => x.Metadata.Name, StringComparer.Ordinal))
        {
            string? problem = Check(lazy, out IPluginFactory? factory);
            if (problem is null) exports.Add(new Export(lazy.Metadata, factory!));
            else problems.Add(new PluginLoadProblem(path, problem));
        }
        return new Result(true, exports, problems);
    }

    /// <summary>Checks one export; returns the problem, or null with <paramref name="factory"/> created.</summary>
    private static string? Check(Lazy<IPluginFactory, PluginMetadata> export, out IPluginFactory? factory)
    {
        factory = null;
        PluginMetadata metadata = export.Metadata;
        string plugin = $"plugin '{metadata.Kind}/{metadata.Name}'";
        if (!KindInterfaces.TryGetValue(metadata.Kind, out Type? kindInterface))
            return $"{plugin} has unknown kind '{metadata.Kind}'; known kinds: {string.Join(", ", PluginKind.All)}";
        if (metadata.ContractMajor != ContractVersion.Major)
            return $"{plugin} was built for contract major version {metadata.ContractMajor}; this host implements {ContractVersion.Major}";
        if (!ValidName().IsMatch(metadata.Name))
            return $"{plugin} has an invalid name: use lower-case letters, digits, '_' and '-'";
        try
        {
            factory = export.Value;
        }
        catch (Exception e)
        {
            return $"{plugin} could not be created: {Innermost(e).Message}";
        }
        if (!kindInterface.IsInstanceOfType(factory))
        {
            string typeName = factory.GetType().FullName ?? factory.GetType().Name;
            factory = null;
            return $"{plugin}: {typeName} does not implement {kindInterface.FullName}";
        }
        return null;
    }

    private static Exception Innermost(Exception e)
    {
        while (e is TargetInvocationException or TypeInitializationException && e.InnerException is not null) e = e.InnerException!;
        return e;
    }

    private static Result Rejected(string path, string message) => new(false, [], [new PluginLoadProblem(path, message)]);
}
