namespace Pipeline.Host.Data;

/// <summary>The three splits of the synthetic data, each grouped by category (image, audio, text); trainers shuffle.</summary>
/// <param name="Pretrain">Captions of images and clips, and text facts as statements: the alignment stage.</param>
/// <param name="Train">Instructions with one-word answers, on fresh media and on about 70% of the text facts.</param>
/// <param name="Eval">Instructions on fresh media and on the other 30% of the facts (asked in no training question).</param>
public sealed record SyntheticSplits(IReadOnlyList<Sample> Pretrain, IReadOnlyList<Sample> Train, IReadOnlyList<Sample> Eval);
