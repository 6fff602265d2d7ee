using Pipeline.Contracts.Composition;

namespace Pipeline.Contracts.Adapters;

/// <summary>
/// Builds an adapter and attaches it to a model. Export the implementing class with
/// <see cref="ExportAdapterAttribute"/>. Deriving from <see cref="AdapterFactory{TOptions}"/> implements this interface
/// with typed options.
/// </summary>
public interface IAdapterFactory : IPluginFactory
{
    /// <summary>
    /// Creates the adapter's modules and attaches them to the sites it targets in
    /// <see cref="AdapterBuildContext.Components"/>. Throw <see cref="AdapterTargetException"/> when a target
    /// pattern matches nothing in the component it is scoped to. New modules must start as an identity
    /// (the adapted model computes what the base model computes) and their parameters must require gradients;
    /// the host decides per stage which parameters train.
    /// </summary>
    /// <param name="options">An instance of <see cref="IPluginFactory.OptionsType"/>, bound and validated.</param>
    /// <param name="context">The model's components and build settings.</param>
    IAdapter Attach(object options, AdapterBuildContext context);
}
