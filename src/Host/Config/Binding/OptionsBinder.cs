using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Schedulers;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Config.Binding;

/// <summary>
/// Binds YAML to options types, strictly: every key must be a property (PascalCase names in snake_case, see
/// <see cref="Pipeline.Contracts.Composition.IPluginFactory.OptionsType"/>), every value must have the property's
/// type, absent keys keep the property initialiser, and <c>[Required]</c> keys must be present. An object
/// implementing <see cref="Pipeline.Contracts.Options.IValidatableOptions"/> is validated right after binding and
/// every failure of that object is reported, one line each, at the offending value. Failures throw
/// <see cref="ConfigException"/> with <c>file:line:col</c> and the key path (<c>adapters[0].options.rank</c>).
/// </summary>
/// <remarks>
/// <para>Supported property types: string; bool (<c>true</c>/<c>false</c>); int, long; double, float (invariant
/// culture, <c>1e-3</c> allowed); enums (member names in snake_case); <c>Nullable&lt;T&gt;</c> of those; lists
/// (<c>T[]</c>, <c>List&lt;T&gt;</c>, <c>IReadOnlyList&lt;T&gt;</c>, ...) from sequences; dictionaries with string
/// keys from mappings; nested options classes; <see cref="PluginSelection"/> (a scheduler choice, bound through the
/// <see cref="IPluginOptionsResolver"/>); and <see cref="ConfigNode"/> or <see cref="YamlNode"/>, kept raw to bind
/// later. A <see cref="ConfigNode"/> property is always set: when its key is absent it holds a <c>null</c> node.</para>
/// <para>A YAML null (<c>key:</c>, <c>~</c>, <c>null</c>) binds only to a nullable property (<c>int?</c>,
/// <c>string?</c>); elsewhere it is an error, except for a whole block passed to <see cref="Bind(Type, ConfigNode)"/>
/// and a <see cref="PluginSelection"/>'s <c>options</c>, where it means "all defaults". Collections from the YAML
/// replace the property's default collection, they are not merged with it.</para>
/// <para>A <see cref="PluginSelection"/> property absent from the YAML keeps its initialiser's plugin and gets that
/// plugin's default options, bound and validated like written ones (with a resolver; without one it is left as is), so
/// every plugin choice is complete and checked once, at binding.</para>
/// <para>Types are never taken from the document: YAML tags (<c>!Foo</c>) are rejected.</para>
/// </remarks>
public sealed class OptionsBinder
{
    private readonly YamlConfigDocument _document;
    private readonly IPluginOptionsResolver? _plugins;

    /// <param name="document">The document whose nodes are bound (for positions in messages).</param>
    /// <param name="plugins">Resolves plugin options types for <see cref="PluginSelection"/> values; may be omitted when none are bound.</param>
    public OptionsBinder(YamlConfigDocument document, IPluginOptionsResolver? plugins = null)
    {
        _document = document;
        _plugins = plugins;
    }

    /// <summary>Binds <typeparamref name="T"/> from <paramref name="node"/> of this binder's document.</summary>
    /// <param name="node">The node; <c>null</c> (an absent block) gives the defaults of an options class.</param>
    /// <param name="keyPath">The node's key path for messages, for example <c>training</c>; empty for the top level.</param>
    public T Bind<T>(YamlNode? node, string keyPath) => (T)Bind(typeof(T), node, keyPath)!;

    /// <summary>Binds <paramref name="type"/> from <paramref name="node"/> of this binder's document (see <see cref="Bind{T}(YamlNode, string)"/>).</summary>
    public object? Bind(Type type, YamlNode? node, string keyPath) => Bind(type, new ConfigNode(_document, keyPath, node, null));

    /// <summary>Binds <typeparamref name="T"/> from a raw block kept earlier (see <see cref="Bind(Type, ConfigNode)"/>).</summary>
    public T Bind<T>(ConfigNode node) => (T)Bind(typeof(T), node)!;

    /// <summary>
    /// Binds <paramref name="type"/> from a raw block kept earlier, for example an adapter's <c>options</c> once its
    /// plugin's options type is known. An absent or null block gives the defaults of an options class (required
    /// keys are still checked, at the block's container); for other types it is an error unless the type is
    /// nullable.
    /// </summary>
    public object? Bind(Type type, ConfigNode node)
    {
        var walk = new YamlValueBinder(node.Document, _plugins);
        if (type == typeof(ConfigNode)) return node;
        if (typeof(YamlNode).IsAssignableFrom(type)) return node.Node is null ? null : walk.BindValue(type, node.Node, node.KeyPath, null);
        if (!node.IsMissing) return walk.BindValue(type, node.Node!, node.KeyPath, null);

        YamlNode? anchor = node.Node ?? node.Container;
        if (type == typeof(PluginSelection)) return walk.BindSelection(PluginKind.Scheduler, null, node.KeyPath, anchor);
        if (IsObjectType(type)) return walk.BindObject(type, null, node.KeyPath, anchor);
        if (node.Node is not null) return walk.BindValue(type, node.Node, node.KeyPath, null);
        if (Nullable.GetUnderlyingType(type) is not null) return null;
        throw node.ErrorAt($"missing value for {(node.KeyPath.Length == 0 ? "the top level" : node.KeyPath)}");
    }

    /// <summary>
    /// Binds a <c>{plugin: NAME, options: {...}}</c> block choosing a plugin of <paramref name="kind"/>: NAME must be
    /// a known plugin, and the options (defaults when absent) are bound strictly to its options type.
    /// </summary>
    /// <param name="kind">A <see cref="Pipeline.Contracts.Composition.PluginKind"/> constant.</param>
    /// <param name="node">The block.</param>
    public PluginSelection BindSelection(string kind, ConfigNode node) =>
        new YamlValueBinder(node.Document, _plugins).BindSelection(kind, node.IsMissing ? null : node.Node, node.KeyPath, node.Node ?? node.Container);

    /// <summary>Whether <paramref name="type"/> binds as an options object (a class that is not a string or collection).</summary>
    private static bool IsObjectType(Type type) =>
        type.IsClass && type != typeof(string)
        && !CollectionTypes.TryGetSequenceElement(type, out _) && !CollectionTypes.TryGetDictionaryValue(type, out _);
}
