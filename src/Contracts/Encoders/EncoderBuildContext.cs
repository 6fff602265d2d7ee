using static TorchSharp.torch;

namespace Pipeline.Contracts.Encoders;

/// <summary>What an encoder factory receives besides its options.</summary>
/// <param name="Name">The encoder's YAML name (its component name, for example <c>vision</c>).</param>
/// <param name="Device">The device to build on; may be the meta device when only counting parameters.</param>
/// <param name="Seed">A deterministic seed for initialisation.</param>
public sealed record EncoderBuildContext(string Name, Device Device, long Seed);
