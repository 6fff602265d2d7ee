using static TorchSharp.torch;

namespace Pipeline.Contracts.Adapters;

/// <summary>Everything an adapter factory receives besides its options when it is asked to adapt a model.</summary>
public sealed class AdapterBuildContext
{
    /// <param name="adapterName">This adapter instance's name (YAML <c>name</c>, defaulting to the plugin name).</param>
    /// <param name="components">The model's adaptable components by name: <c>llm</c> and each encoder's YAML name.</param>
    /// <param name="forwardContext">Gives adapter modules the current batch's <see cref="ForwardContext"/>.</param>
    /// <param name="device">The device the model lives on; create parameters there.</param>
    /// <param name="seed">A seed derived from the run's seed and the adapter name, for deterministic initialisation.</param>
    public AdapterBuildContext(string adapterName, IReadOnlyDictionary<string, IAdaptableComponent> components,
        IForwardContextAccessor forwardContext, Device device, long seed)
    {
        AdapterName = adapterName;
        Components = components;
        ForwardContext = forwardContext;
        Device = device;
        Seed = seed;
    }

    /// <summary>This adapter instance's name; use it as the key when attaching to sites.</summary>
    public string AdapterName { get; }

    /// <summary>The adaptable components by name (<c>llm</c>, <c>vision</c>, ...).</summary>
    public IReadOnlyDictionary<string, IAdaptableComponent> Components { get; }

    /// <summary>The current forward's context, for routing signals and auxiliary losses.</summary>
    public IForwardContextAccessor ForwardContext { get; }

    /// <summary>The device to create parameters on (may be the meta device when only counting parameters).</summary>
    public Device Device { get; }

    /// <summary>A deterministic seed for this adapter's initialisation.</summary>
    public long Seed { get; }

    /// <summary>
    /// Returns the component named <paramref name="name"/>, or throws <see cref="AdapterTargetException"/>
    /// listing the components that exist.
    /// </summary>
    public IAdaptableComponent Component(string name) =>
        Components.TryGetValue(name, out var component)
            ? component
            : throw new AdapterTargetException($"adapter '{AdapterName}': no component '{name}'; the model has: {string.Join(", ", Components.Keys.Order())}");
}
