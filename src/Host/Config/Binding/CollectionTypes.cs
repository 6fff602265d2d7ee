namespace Pipeline.Host.Config.Binding;

/// <summary>
/// The collection types options may use: arrays, <c>List&lt;T&gt;</c> and the read-only or mutable list interfaces
/// (bound from a sequence), and <c>Dictionary&lt;string, T&gt;</c> and its interfaces (bound from a mapping).
/// </summary>
internal static class CollectionTypes
{
    private static readonly Type[] ListShapes =
    [
        typeof(List<>), typeof(IReadOnlyList<>), typeof(IList<>), typeof(IReadOnlyCollection<>),
        typeof(ICollection<>), typeof(IEnumerable<>),
    ];

    private static readonly Type[] DictionaryShapes =
        [typeof(Dictionary<,>), typeof(IReadOnlyDictionary<,>), typeof(IDictionary<,>)];

    /// <summary>Whether <paramref name="type"/> is bound from a sequence, and its element type.</summary>
    public static bool TryGetSequenceElement(Type type, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? element)
    {
        element = null;
        if (type.IsArray && type.GetArrayRank() == 1) element = type.GetElementType();
        else if (type.IsGenericType && ListShapes.Contains(type.GetGenericTypeDefinition())) element = type.GetGenericArguments()[0];
        return element is not null;
    }

    /// <summary>Whether <paramref name="type"/> is a dictionary with string keys, and its value type.</summary>
    public static bool TryGetDictionaryValue(Type type, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? value)
    {
        value = null;
        if (type.IsGenericType && DictionaryShapes.Contains(type.GetGenericTypeDefinition())
            && type.GetGenericArguments()[0] == typeof(string))
            value = type.GetGenericArguments()[1];
        return value is not null;
    }

    /// <summary>A new list (or array, for array types) holding <paramref name="items"/>, assignable to <paramref name="type"/>.</summary>
    public static object CreateSequence(Type type, Type element, IReadOnlyList<object?> items)
    {
        if (type.IsArray)
        {
            var array = Array.CreateInstance(element, items.Count);
            for (int i = 0; i < items.Count; i++) array.SetValue(items[i], i);
            return array;
        }
        var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
        foreach (object? item in items) list.Add(item);
        return list;
    }

    /// <summary>A new <c>Dictionary&lt;string, T&gt;</c> holding <paramref name="entries"/> in order.</summary>
    public static object CreateDictionary(Type value, IReadOnlyList<KeyValuePair<string, object?>> entries)
    {
        var dictionary = (System.Collections.IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), value))!;
        foreach (var (key, item) in entries) dictionary.Add(key, item);
        return dictionary;
    }
}
