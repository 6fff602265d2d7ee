using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Runtime.CompilerServices;
using Pipeline.Contracts.Schedulers;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Config.Binding;

/// <summary>One bindable property of an options type: its YAML key, reflection handle and nullability.</summary>
internal sealed record OptionsProperty(string Key, PropertyInfo Property, NullabilityInfo Nullability, bool IsRequired)
{
    /// <summary>The property's declared type.</summary>
    public Type Type => Property.PropertyType;
}

/// <summary>
/// What the binder knows about an options type: a class with a public parameterless constructor whose public
/// settable or <c>init</c> properties are its keys, in snake_case. Built once per type and cached.
/// </summary>
internal sealed class OptionsTypeShape
{
    private static readonly ConcurrentDictionary<Type, OptionsTypeShape> Cache = new();

    private OptionsTypeShape(Type type, IReadOnlyDictionary<string, OptionsProperty> properties)
    {
        Type = type;
        Properties = properties;
        KnownKeys = properties.Keys.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The options type.</summary>
    public Type Type { get; }

    /// <summary>The bindable properties by YAML key.</summary>
    public IReadOnlyDictionary<string, OptionsProperty> Properties { get; }

    /// <summary>Every key, sorted, for "known keys: ..." in messages.</summary>
    public IReadOnlyList<string> KnownKeys { get; }

    /// <summary>Whether <paramref name="type"/> is bound as an options object (from a mapping).</summary>
    public static bool IsOptionsClass(Type type) =>
        type.IsClass && !type.IsAbstract && type != typeof(string) && !typeof(YamlNode).IsAssignableFrom(type)
        && type.GetConstructor(Type.EmptyTypes) is not null;

    /// <summary>The shape of <paramref name="type"/>.</summary>
    /// <exception cref="InvalidOperationException">
    /// The type cannot be an options type (no public parameterless constructor, two properties with the same key,
    /// or a property of a type the binder does not support). This is a mistake in the options type, not in the YAML.
    /// </exception>
    public static OptionsTypeShape Of(Type type) => Cache.GetOrAdd(type, Build);

    /// <summary>A new instance holding the type's defaults (its property initialisers).</summary>
    public object CreateDefault() => Activator.CreateInstance(Type)!;

    private static OptionsTypeShape Build(Type type)
    {
        if (!IsOptionsClass(type))
            throw new InvalidOperationException(
                $"options type {type.FullName} must be a non-abstract class with a public parameterless constructor");

        var nullability = new NullabilityInfoContext();
        var properties = new Dictionary<string, OptionsProperty>(StringComparer.Ordinal);
        foreach (PropertyInfo property in MostDerivedProperties(type))
        {
            if (property.GetIndexParameters().Length > 0 || property.SetMethod is not { IsPublic: true }) continue;
            string key = SnakeCase.FromPascalCase(property.Name);
            if (properties.TryGetValue(key, out OptionsProperty? clash))
                throw new InvalidOperationException(
                    $"options type {type.FullName}: properties {clash.Property.Name} and {property.Name} both bind to key '{key}'");
            if (!IsSupported(property.PropertyType))
                throw new InvalidOperationException(
                    $"options type {type.FullName}: property {property.Name} has type {property.PropertyType}, which the " +
                    "options binder does not support (use string, bool, int, long, float, double, an enum, a nullable of " +
                    "those, a list or array, a dictionary with string keys, an options class, PluginSelection, ConfigNode or YamlNode)");
            bool required = property.IsDefined(typeof(RequiredAttribute), inherit: true)
                || property.IsDefined(typeof(RequiredMemberAttribute), inherit: true);
            properties.Add(key, new OptionsProperty(key, property, nullability.Create(property), required));
        }
        return new OptionsTypeShape(type, properties);
    }

    /// <summary>Public instance properties, keeping only the most derived one where a derived type hides a base property.</summary>
    private static IEnumerable<PropertyInfo> MostDerivedProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .GroupBy(p => p.Name)
            .Select(g => g.OrderByDescending(p => InheritanceDepth(p.DeclaringType!)).First());

    private static int InheritanceDepth(Type type)
    {
        int depth = 0;
        for (Type? t = type.BaseType; t is not null; t = t.BaseType) depth++;
        return depth;
    }

    /// <summary>Whether the binder can bind <paramref name="type"/> (element and value types checked; options classes by their constructor only).</summary>
    private static bool IsSupported(Type type)
    {
        Type valueType = Nullable.GetUnderlyingType(type) ?? type;
        if (ScalarParser.Handles(valueType)) return true;
        if (valueType == typeof(ConfigNode) || valueType == typeof(PluginSelection) || typeof(YamlNode).IsAssignableFrom(valueType))
            return true;
        if (CollectionTypes.TryGetSequenceElement(valueType, out Type? element)) return IsSupported(element);
        if (CollectionTypes.TryGetDictionaryValue(valueType, out Type? value)) return IsSupported(value);
        return IsOptionsClass(valueType);
    }
}
