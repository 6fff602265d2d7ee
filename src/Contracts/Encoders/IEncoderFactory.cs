using Pipeline.Contracts.Composition;

namespace Pipeline.Contracts.Encoders;

/// <summary>
/// Builds a feature encoder for one modality. Export the implementing class with <see cref="ExportEncoderAttribute"/>.
/// Deriving from <see cref="EncoderFactory{TOptions}"/> implements this interface with typed options.
/// </summary>
public interface IEncoderFactory : IPluginFactory
{
    /// <summary>Builds the encoder with freshly initialised weights on <see cref="EncoderBuildContext.Device"/>.</summary>
    /// <param name="options">An instance of <see cref="IPluginFactory.OptionsType"/>, bound and validated.</param>
    /// <param name="context">The encoder's name, device and seed.</param>
    IEncoder Create(object options, EncoderBuildContext context);
}
