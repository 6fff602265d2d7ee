using Pipeline.Contracts.Options;

namespace Pipeline.Host.Data;

/// <summary>
/// Options of the synthetic multimodal instruction data (<see cref="SyntheticInstructionSet"/>). The same options
/// always produce the same samples, pixels and waveforms.
/// </summary>
public sealed record SyntheticDataOptions : IValidatableOptions
{
    /// <summary>Seed of every random choice (<c>seed</c>). Default 1234.</summary>
    public int Seed { get; init; } = 1234;

    /// <summary>Side of the square images in pixels (<c>image_size</c>), 24 to 512. Default 32.</summary>
    public int ImageSize { get; init; } = 32;

    /// <summary>Audio sample rate in Hz (<c>sample_rate</c>), 8000 to 48000. Default 16000.</summary>
    public int SampleRate { get; init; } = 16000;

    /// <summary>Length of each audio clip in seconds (<c>clip_seconds</c>), 0.1 to 10. Default 0.5.</summary>
    public double ClipSeconds { get; init; } = 0.5;

    /// <summary>Instruction samples per category (image, audio, text) in the training split (<c>train_per_category</c>). Default 600.</summary>
    public int TrainPerCategory { get; init; } = 600;

    /// <summary>Instruction samples per category in the evaluation split (<c>eval_per_category</c>). Default 100.</summary>
    public int EvalPerCategory { get; init; } = 100;

    /// <summary>Caption and fact samples per category in the pretraining split (<c>pretrain_per_category</c>). Default 600.</summary>
    public int PretrainPerCategory { get; init; } = 600;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (ImageSize is < 24 or > 512)
        {
            yield return new OptionError("image_size", $"must be between 24 and 512, got {ImageSize}");
        }
        if (SampleRate is < 8000 or > 48000)
        {
            yield return new OptionError("sample_rate", $"must be between 8000 and 48000, got {SampleRate}");
        }
        if (!(ClipSeconds >= 0.1 && ClipSeconds <= 10))
        {
            yield return new OptionError("clip_seconds", $"must be between 0.1 and 10, got {ClipSeconds}");
        }
        foreach (var (key, value) in new[]
                 {
                     ("train_per_category", TrainPerCategory),
                     ("eval_per_category", EvalPerCategory),
                     ("pretrain_per_category", PretrainPerCategory),
                 })
        {
            if (value < 1)
            {
                yield return new OptionError(key, $"must be at least 1, got {value}");
            }
        }
    }
}
