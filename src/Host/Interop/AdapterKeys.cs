using Pipeline.Host.Pipelines;

namespace Pipeline.Host.Interop;

/// <summary>
/// Tells the state-dict entries adapters added from the base model's. Adapters attach their modules under their
/// instance name (<see cref="Contracts.Adapters.ILinearSite.Attach"/> and the other sites), so every tensor an adapter
/// adds has that name as one segment of its key (<c>llm.model.layers.0.self_attn.q_proj.lora.lora_A.weight</c>);
/// a parameter that existed before adapters attached is never an adapter's.
/// </summary>
public static class AdapterKeys
{
    /// <summary>The state-dict prefix of a component's module in the model: <c>llm.</c> or <c>encoders.&lt;name&gt;.</c>.</summary>
    public static string ComponentPrefix(string component) => component == PretrainedWeights.Llm ? "llm." : $"encoders.{component}.";

    /// <summary>The name of the adapter that added model state-dict entry <paramref name="key"/>, or <c>null</c> for the base model's.</summary>
    public static string? AdapterOf(BuiltModel built, string key)
    {
        if (built.Inventory.All.Any(p => p.Name == key) && !built.Inventory.IsAdapter(key)) return null;
        var names = built.Adapters.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        return key.Split('.').FirstOrDefault(names.Contains);
    }

    /// <summary>Every model state-dict key of adapter <paramref name="adapterName"/>, in state-dict order.</summary>
    public static IReadOnlyList<string> Of(BuiltModel built, string adapterName) =>
        built.Model.state_dict().Keys.Where(k => AdapterOf(built, k) == adapterName).ToList();
}
