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
    /// (the adapted model computes what the base model computes; a method that by definition cannot, such as prompt
    /// tuning, says so with <see cref="IAdapter.StartsAsIdentity"/>) and their parameters must require gradients;
    /// the host decides per stage which parameters train.
    /// <para>
    /// When it is called: once, when the model is built, before any stage runs (so the state dict, checkpoints and
    /// parameter counts are the same in every stage), with the base weights as built or loaded, not as an earlier stage
    /// will leave them. When the adapter runs: the host switches it off (<see cref="ISwitchableAdapterSite"/>) in every
    /// stage before the first stage that trains it (a stage whose <c>trainable</c> names <c>adapters</c> or this adapter's
    /// instance name) and on from that stage to the end of the run, in evaluation and export too; an adapter that no stage
    /// trains runs throughout (its values come from a checkpoint or an import). So an adapter never runs, frozen, through a
    /// pretraining stage in which the weights under it still train. Values that must be computed from those weights
    /// (a norm, copied embeddings) belong in <see cref="IAdapterActivation.Activate"/>, which the host calls when the first
    /// stage that trains the adapter starts. A change that depends on the base weight goes through
    /// <see cref="IWeightTransformSite"/>, not a delta on the output.
    /// </para>
    /// </summary>
    /// <param name="options">An instance of <see cref="IPluginFactory.OptionsType"/>, bound and validated.</param>
    /// <param name="context">The model's components and build settings.</param>
    IAdapter Attach(object options, AdapterBuildContext context);
}
