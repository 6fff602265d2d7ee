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

    /// <summary>
    /// Which data set to generate (<c>task</c>): <c>instructions</c> (default, the multimodal instructions) or
    /// <c>conflicting_domains</c> (text-only domains whose answer conventions conflict).
    /// </summary>
    public SyntheticTask Task { get; init; } = SyntheticTask.Instructions;

    /// <summary>
    /// <c>instructions</c> only: the categories every split holds (<c>categories</c>), some of <c>image</c>, <c>audio</c>
    /// and <c>text</c>; <c>null</c> (default) for all three.
    /// </summary>
    public List<string>? Categories { get; init; }

    /// <summary>
    /// <c>instructions</c> only: the categories the training split holds (<c>train_categories</c>), a subset of
    /// <see cref="Categories"/>; the pretraining and evaluation splits keep all of them. <c>null</c> (default) for all.
    /// </summary>
    public List<string>? TrainCategories { get; init; }

    /// <summary>
    /// <c>instructions</c> only: the image question types asked in training and evaluation (<c>image_questions</c>),
    /// some of <c>shape</c>, <c>colour</c>, <c>count</c> and <c>side</c>; <c>null</c> (default) for all four.
    /// </summary>
    public List<string>? ImageQuestions { get; init; }

    /// <summary>
    /// <c>instructions</c> only: what the pretraining captions of images say (<c>caption_properties</c>), some of
    /// <c>count</c>, <c>colour</c>, <c>shape</c> and <c>side</c>; <c>null</c> (default) for all four. A property left
    /// out is never named to the model before the training split asks about it.
    /// </summary>
    public List<string>? CaptionProperties { get; init; }

    /// <summary>
    /// <c>instructions</c> only: whether the pretraining split also holds the training split's text questions on the
    /// instructed facts (<c>text_questions_in_pretrain</c>), so the base model answers questions before any
    /// instruction stage. Default false.
    /// </summary>
    public bool TextQuestionsInPretrain { get; init; }

    /// <summary>
    /// <c>conflicting_domains</c> only: the domains every split holds (<c>domains</c>), some of <c>word</c>,
    /// <c>count</c> and <c>negation</c>; <c>null</c> (default) for all three.
    /// </summary>
    public List<string>? Domains { get; init; }

    /// <summary>The categories every split holds, after defaults.</summary>
    public IReadOnlyList<string> EffectiveCategories =>
        Task == SyntheticTask.ConflictingDomains ? Domains ?? [.. ConflictDomain.All] : Categories ?? [.. AllCategories];

    /// <summary>The categories the training split holds, after defaults.</summary>
    public IReadOnlyList<string> EffectiveTrainCategories => TrainCategories ?? EffectiveCategories;

    /// <summary>The image question types asked, after defaults.</summary>
    public IReadOnlyList<string> EffectiveImageQuestions => ImageQuestions ?? [.. AllImageQuestions];

    /// <summary>The properties image captions name, after defaults.</summary>
    public IReadOnlyList<string> EffectiveCaptionProperties => CaptionProperties ?? [.. AllImageQuestions];

    /// <summary>The categories of the <c>instructions</c> task.</summary>
    public static IReadOnlyList<string> AllCategories { get; } = ["image", "audio", "text"];

    /// <summary>The image properties, each a question type and a caption part.</summary>
    public static IReadOnlyList<string> AllImageQuestions { get; } = ["shape", "colour", "count", "side"];

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
        foreach (var error in ValidateTaskOptions())
        {
            yield return error;
        }
    }

    private IEnumerable<OptionError> ValidateTaskOptions()
    {
        if (Task == SyntheticTask.ConflictingDomains)
        {
            foreach (var (key, set) in new[] { ("categories", Categories), ("train_categories", TrainCategories), ("image_questions", ImageQuestions), ("caption_properties", CaptionProperties) })
            {
                if (set is not null) yield return new OptionError(key, "applies to task instructions only; task conflicting_domains uses domains");
            }
            if (TextQuestionsInPretrain) yield return new OptionError("text_questions_in_pretrain", "applies to task instructions only");
            if (SubsetError("domains", Domains, ConflictDomain.All) is { } domains) yield return domains;
            yield break;
        }
        if (Domains is not null) yield return new OptionError("domains", "applies to task conflicting_domains only");
        if (SubsetError("categories", Categories, AllCategories) is { } categories) yield return categories;
        if (SubsetError("train_categories", TrainCategories, EffectiveCategories) is { } train) yield return train;
        if (SubsetError("image_questions", ImageQuestions, AllImageQuestions) is { } questions) yield return questions;
        if (SubsetError("caption_properties", CaptionProperties, AllImageQuestions) is { } properties) yield return properties;
        if (TextQuestionsInPretrain && !EffectiveCategories.Contains("text"))
            yield return new OptionError("text_questions_in_pretrain", "needs text among the categories");
    }

    /// <summary>The error of a list that is not a non-empty set drawn from <paramref name="allowed"/>, or null.</summary>
    private static OptionError? SubsetError(string key, List<string>? values, IReadOnlyList<string> allowed)
    {
        if (values is null) return null;
        if (values.Count == 0) return new OptionError(key, $"must name at least one of {string.Join(", ", allowed)}");
        if (values.FirstOrDefault(v => !allowed.Contains(v)) is { } unknown)
            return new OptionError(key, $"'{unknown}' is not one of {string.Join(", ", allowed)}");
        if (values.GroupBy(v => v).FirstOrDefault(g => g.Count() > 1) is { } twice)
            return new OptionError(key, $"names '{twice.Key}' twice");
        return null;
    }
}
