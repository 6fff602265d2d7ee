namespace Pipeline.Host.Config.Binding;

/// <summary>
/// Tells the binder which options type a plugin publishes, so a nested <c>{plugin: NAME, options: {...}}</c>
/// block is bound strictly to that type. The host implements it over its discovered plugin catalogue.
/// </summary>
public interface IPluginOptionsResolver
{
    /// <summary>The options type of plugin <paramref name="name"/> of <paramref name="kind"/>, or <c>null</c> when there is no such plugin.</summary>
    /// <param name="kind">A <see cref="Pipeline.Contracts.Composition.PluginKind"/> constant, for example <c>scheduler</c>.</param>
    /// <param name="name">The plugin name as written in YAML.</param>
    Type? OptionsTypeOf(string kind, string name);

    /// <summary>Every plugin name of <paramref name="kind"/>, listed in "unknown plugin" messages.</summary>
    IReadOnlyList<string> Names(string kind);
}
