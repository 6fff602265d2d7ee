using System.Reflection;
using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Options;
using Pipeline.Contracts.Schedulers;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Config.Binding;

/// <summary>
/// The binding walk behind <see cref="OptionsBinder"/> for one document: turns nodes into values of declared .NET
/// types, strictly, and reports every mismatch at the node's position with its key path. Types come only from the
/// options types' declarations and the plugin resolver, never from the document.
/// </summary>
internal sealed class YamlValueBinder(YamlConfigDocument document, IPluginOptionsResolver? plugins)
{
    /// <summary>Binds <paramref name="type"/> from a value node, which may be a YAML null.</summary>
    public object? BindValue(Type type, YamlNode node, string keyPath, NullabilityInfo? nullability)
    {
        RejectTag(node, keyPath);
        if (typeof(YamlNode).IsAssignableFrom(type)) return type.IsInstanceOfType(node) ? node : throw Mismatch(type, node, keyPath);
        if (type == typeof(ConfigNode)) return new ConfigNode(document, keyPath, node, null);
        if (YamlNodeText.IsNull(node)) return AcceptsNull(type, nullability) ? null : throw Mismatch(type, node, keyPath);

        Type valueType = Nullable.GetUnderlyingType(type) ?? type;
        if (ScalarParser.Handles(valueType)) return BindScalar(valueType, node, keyPath);
        if (valueType == typeof(PluginSelection)) return BindSelection(PluginKind.Scheduler, node, keyPath, null);
        if (CollectionTypes.TryGetSequenceElement(valueType, out Type? element))
            return BindSequence(valueType, element, node, keyPath, TypeArgumentNullability(nullability, 0));
        if (CollectionTypes.TryGetDictionaryValue(valueType, out Type? value))
            return BindDictionary(value, node, keyPath, TypeArgumentNullability(nullability, 1));
        if (valueType.IsClass) return BindObject(valueType, node, keyPath, null);
        throw new InvalidOperationException(
            $"cannot bind {(keyPath.Length == 0 ? "the top level" : keyPath)}: the options binder does not support type {type}");
    }

    /// <summary>
    /// Binds an options object from a mapping; a <c>null</c> <paramref name="node"/> gives the defaults. Unknown keys,
    /// then missing required keys, then the values in document order are checked, and finally the object's own
    /// <see cref="IValidatableOptions.Validate"/>. Errors about absent keys point at the mapping, or at
    /// <paramref name="anchor"/> when there is none.
    /// </summary>
    public object BindObject(Type type, YamlNode? node, string keyPath, YamlNode? anchor)
    {
        OptionsTypeShape shape = OptionsTypeShape.Of(type);
        YamlMappingNode? mapping = null;
        if (node is not null)
        {
            RejectTag(node, keyPath);
            mapping = node as YamlMappingNode ?? throw Mismatch(type, node, keyPath);
        }

        var present = new List<(OptionsProperty Property, YamlNode Value)>();
        foreach (var (keyNode, valueNode) in EntriesOf(mapping))
        {
            string key = KeyText(keyNode, keyPath);
            if (!shape.Properties.TryGetValue(key, out OptionsProperty? property))
                throw UnknownKey(keyNode, key, keyPath, shape.KnownKeys);
            present.Add((property, valueNode));
        }

        YamlNode? where = mapping ?? anchor;
        foreach (OptionsProperty required in shape.Properties.Values.Where(p => p.IsRequired))
            if (!present.Any(p => p.Property == required))
                throw document.ErrorAt(where, $"missing required key '{required.Key}' {YamlNodeText.Within(keyPath)}");

        object instance = shape.CreateDefault();
        foreach (var (property, valueNode) in present)
            property.Property.SetValue(instance,
                BindValue(property.Type, valueNode, YamlNodeText.ChildPath(keyPath, property.Key), property.Nullability));
        foreach (OptionsProperty raw in shape.Properties.Values.Where(p => p.Type == typeof(ConfigNode)))
            if (!present.Any(p => p.Property == raw))
                raw.Property.SetValue(instance, new ConfigNode(document, YamlNodeText.ChildPath(keyPath, raw.Key), null, where));
        // An absent plugin choice keeps its default plugin, whose options are bound (and validated) now, like a written one's.
        if (plugins is not null)
            foreach (OptionsProperty choice in shape.Properties.Values.Where(p => p.Type == typeof(PluginSelection)))
                if (!present.Any(p => p.Property == choice) && choice.Property.GetValue(instance) is PluginSelection { Options: null } preset)
                    choice.Property.SetValue(instance, BindDefaultSelection(preset, YamlNodeText.ChildPath(keyPath, choice.Key), where));

        Validate(instance, mapping, where, keyPath);
        return instance;
    }

    /// <summary>
    /// Binds <c>{plugin: NAME, options: {...}}</c>: NAME must be a plugin of <paramref name="kind"/>, and the options
    /// (defaults when absent or null) are bound strictly to that plugin's options type.
    /// </summary>
    public PluginSelection BindSelection(string kind, YamlNode? node, string keyPath, YamlNode? anchor)
    {
        if (plugins is null)
            throw new InvalidOperationException(
                $"{keyPath} selects a {kind} plugin, but the options binder was created without an {nameof(IPluginOptionsResolver)}");
        YamlMappingNode? mapping = null;
        if (node is not null)
        {
            RejectTag(node, keyPath);
            mapping = node as YamlMappingNode ?? throw Mismatch(typeof(PluginSelection), node, keyPath);
        }

        YamlNode? pluginNode = null, optionsNode = null;
        foreach (var (keyNode, valueNode) in EntriesOf(mapping))
        {
            switch (KeyText(keyNode, keyPath))
            {
                case "plugin": pluginNode = valueNode; break;
                case "options": optionsNode = valueNode; break;
                case var key: throw UnknownKey(keyNode, key, keyPath, ["options", "plugin"]);
            }
        }

        YamlNode? where = mapping ?? anchor;
        if (pluginNode is null) throw document.ErrorAt(where, $"missing required key 'plugin' {YamlNodeText.Within(keyPath)}");
        string name = (string)BindValue(typeof(string), pluginNode, YamlNodeText.ChildPath(keyPath, "plugin"), null)!;
        Type optionsType = plugins.OptionsTypeOf(kind, name) ?? throw UnknownPlugin(pluginNode, kind, name, keyPath);

        string optionsPath = YamlNodeText.ChildPath(keyPath, "options");
        if (optionsNode is not null) RejectTag(optionsNode, optionsPath);
        object options = optionsNode is null || YamlNodeText.IsNull(optionsNode)
            ? BindObject(optionsType, null, optionsPath, optionsNode ?? where)
            : BindObject(optionsType, optionsNode, optionsPath, where);
        return new PluginSelection { Plugin = name, Options = options };
    }

    /// <summary>
    /// Completes a default scheduler choice (a property initialiser such as <c>new() { Plugin = "constant" }</c>) whose key
    /// the YAML leaves out: its plugin must exist, and its options are the plugin's defaults, bound and validated.
    /// </summary>
    private PluginSelection BindDefaultSelection(PluginSelection preset, string keyPath, YamlNode? where)
    {
        Type optionsType = plugins!.OptionsTypeOf(PluginKind.Scheduler, preset.Plugin)
            ?? throw document.ErrorAt(where, $"{keyPath}: the default {PluginKind.Scheduler} {YamlNodeText.Quote(preset.Plugin)} is not installed; " +
                $"known {PluginKind.Scheduler}s: {ListOrNone(plugins.Names(PluginKind.Scheduler).Order(StringComparer.Ordinal).ToList())}");
        var bound = preset with { Options = BindObject(optionsType, null, YamlNodeText.ChildPath(keyPath, "options"), where) };
        DefaultedSelections.Mark(bound);
        return bound;
    }

    private object BindScalar(Type type, YamlNode node, string keyPath)
    {
        if (node is not YamlScalarNode scalar) throw Mismatch(type, node, keyPath);
        if (!ScalarParser.TryParse(type, scalar.Value ?? "", out object? value, out string? failure))
            throw document.ErrorAt(node, YamlNodeText.Prefix(keyPath) + failure);
        return value!;
    }

    private object BindSequence(Type type, Type element, YamlNode node, string keyPath, NullabilityInfo? elementNullability)
    {
        if (node is not YamlSequenceNode sequence) throw Mismatch(type, node, keyPath);
        var items = sequence.Children
            .Select((item, i) => BindValue(element, item, YamlNodeText.ItemPath(keyPath, i), elementNullability))
            .ToList();
        return CollectionTypes.CreateSequence(type, element, items);
    }

    private object BindDictionary(Type value, YamlNode node, string keyPath, NullabilityInfo? valueNullability)
    {
        if (node is not YamlMappingNode mapping) throw Mismatch(typeof(Dictionary<string, object>), node, keyPath);
        var entries = new List<KeyValuePair<string, object?>>();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            string key = KeyText(keyNode, keyPath);
            entries.Add(new(key, BindValue(value, valueNode, YamlNodeText.ChildPath(keyPath, key), valueNullability)));
        }
        return CollectionTypes.CreateDictionary(value, entries);
    }

    private void Validate(object instance, YamlMappingNode? mapping, YamlNode? where, string keyPath)
    {
        if (instance is not IValidatableOptions validatable) return;
        var problems = validatable.Validate()
            .Select(error => document.ProblemAt(
                ValidationKeyLocator.Locate(document, mapping, error.Key, error.Message) ?? where,
                YamlNodeText.Prefix(YamlNodeText.RelativePath(keyPath, error.Key)) + error.Message))
            .ToList();
        if (problems.Count > 0) throw new ConfigException(problems);
    }

    private string KeyText(YamlNode keyNode, string keyPath)
    {
        // YamlDotNet's representation model keeps a merge key as the plain key "<<"; merging is not supported, so say so
        // rather than report an unknown key (or, in a dictionary, bind an entry named "<<").
        if (keyNode is YamlScalarNode { Value: "<<", Style: YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any })
            throw document.ErrorAt(keyNode, $"YAML merge keys ('<<: *anchor') are not supported {YamlNodeText.Within(keyPath)}; write the keys out");
        if (keyNode is YamlScalarNode { Value: not null } scalar && !YamlNodeText.IsNull(scalar) && scalar.Tag.IsEmpty)
            return scalar.Value;
        throw document.ErrorAt(keyNode, $"keys {YamlNodeText.Within(keyPath)} must be names, got {YamlNodeText.Describe(keyNode)}");
    }

    private void RejectTag(YamlNode node, string keyPath)
    {
        if (!node.Tag.IsEmpty) throw document.ErrorAt(node, YamlNodeText.Prefix(keyPath) + YamlNodeText.TagNotSupported(node));
    }

    private ConfigException UnknownKey(YamlNode keyNode, string key, string keyPath, IReadOnlyList<string> knownKeys) =>
        document.ErrorAt(keyNode,
            $"unknown key {YamlNodeText.Quote(key)} {YamlNodeText.Within(keyPath)}{NameSuggestion.DidYouMean(key, knownKeys)}; " +
            $"known keys: {ListOrNone(knownKeys)}");

    private ConfigException UnknownPlugin(YamlNode pluginNode, string kind, string name, string keyPath)
    {
        var names = plugins!.Names(kind).Order(StringComparer.Ordinal).ToList();
        string at = keyPath.Length == 0 ? "" : $" at {keyPath}";
        return document.ErrorAt(pluginNode,
            $"unknown {kind} {YamlNodeText.Quote(name)}{at}{NameSuggestion.DidYouMean(name, names)}; known {kind}s: {ListOrNone(names)}");
    }

    private ConfigException Mismatch(Type type, YamlNode node, string keyPath) =>
        document.ErrorAt(node, $"{YamlNodeText.Prefix(keyPath)}expected {Expectation(type)}, got {YamlNodeText.Describe(node)}");

    private static string Expectation(Type type)
    {
        Type valueType = Nullable.GetUnderlyingType(type) ?? type;
        if (ScalarParser.Handles(valueType)) return ScalarParser.Expectation(valueType);
        if (valueType == typeof(YamlScalarNode)) return "a single value";
        if (valueType == typeof(YamlSequenceNode) || CollectionTypes.TryGetSequenceElement(valueType, out _)) return "a sequence";
        return "a mapping";
    }

    private static bool AcceptsNull(Type type, NullabilityInfo? nullability) =>
        Nullable.GetUnderlyingType(type) is not null
        || (!type.IsValueType && nullability?.WriteState == NullabilityState.Nullable);

    private static NullabilityInfo? TypeArgumentNullability(NullabilityInfo? nullability, int index)
    {
        if (nullability is null) return null;
        if (nullability.ElementType is not null) return nullability.ElementType;
        return index < nullability.GenericTypeArguments.Length ? nullability.GenericTypeArguments[index] : null;
    }

    private static IEnumerable<KeyValuePair<YamlNode, YamlNode>> EntriesOf(YamlMappingNode? mapping) =>
        mapping?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>();

    private static string ListOrNone(IReadOnlyList<string> names) => names.Count == 0 ? "(none)" : string.Join(", ", names);
}
