using System.Security.Cryptography;
using System.Text;
using Pipeline.Host.Data;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Training;

namespace Pipeline.Host.Checkpoints;

/// <summary>
/// The content of a run's data, stored in every checkpoint (<c>data</c> in <c>trainer_state.json</c>) so that
/// <c>train --resume</c> can tell, before it changes anything, whether the data is still the data the checkpoint was
/// trained on: per split a <see cref="SplitFingerprint"/> of the samples that passed the data check, and the
/// vocabulary's size (and, for the word tokenizer built from the data, the SHA-256 of its words). The configuration
/// is <see cref="ConfigFingerprint"/>'s part; this covers what the configuration points at.
/// </summary>
public sealed record DataFingerprint
{
    /// <summary>The tokenizer's vocabulary size (special tokens and placeholders included).</summary>
    public required int VocabularySize { get; init; }

    /// <summary>The SHA-256 of the word tokenizer's tokens in id order; <c>null</c> for other tokenizers (their ids are in the samples' hashes).</summary>
    public string? Vocabulary { get; init; }

    /// <summary>Each split's fingerprint, keyed <c>pretrain</c>, <c>train</c>, <c>eval</c>.</summary>
    public required IReadOnlyDictionary<string, SplitFingerprint> Splits { get; init; }

    /// <summary>The fingerprint of checked, tokenised <paramref name="splits"/> and their <paramref name="tokenizer"/>; reads every sample once.</summary>
    public static DataFingerprint Of(DataSplits splits, ITextTokenizer tokenizer) => new()
    {
        VocabularySize = tokenizer.VocabularySize,
        Vocabulary = tokenizer is WordTokenizer words
            ? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', words.Tokens))))
            : null,
        Splits = DataReport.SplitNames.ToDictionary(split => split, split => SplitFingerprint.Of(splits.Named(split)), StringComparer.Ordinal),
    };

    /// <summary>
    /// What differs from the data <paramref name="checkpoint"/> describes, one phrase for the vocabulary and per split
    /// (<c>split 'train': 40 samples at the checkpoint, 41 now</c>); empty when nothing does. When the vocabulary
    /// changed, a split whose count did not is not listed: its token ids differ anyway.
    /// </summary>
    public IReadOnlyList<string> DifferencesFrom(DataFingerprint checkpoint)
    {
        var differences = new List<string>();
        if (checkpoint.VocabularySize != VocabularySize)
            differences.Add($"vocabulary: {checkpoint.VocabularySize} tokens at the checkpoint, {VocabularySize} now");
        else if (checkpoint.Vocabulary is not null && Vocabulary is not null && checkpoint.Vocabulary != Vocabulary)
            differences.Add($"vocabulary: {VocabularySize} tokens, as at the checkpoint, but other words");
        // Another vocabulary gives every sample other token ids: then only changed counts say more.
        bool vocabularyChanged = differences.Count > 0;
        foreach (string split in DataReport.SplitNames)
        {
            var before = checkpoint.Splits.GetValueOrDefault(split);
            var now = Splits.GetValueOrDefault(split);
            if (before is null || now is null || before == now) continue;
            if (before.Samples != now.Samples) differences.Add($"split '{split}': {Samples(before.Samples)} at the checkpoint, {now.Samples} now");
            else if (!vocabularyChanged)
                differences.Add($"split '{split}': {Samples(now.Samples)}, as at the checkpoint, but other ones " +
                    "(a sample's id, text, tokens or media file name changed, or their order)");
        }
        return differences;
    }

    private static string Samples(int count) => count == 1 ? "1 sample" : $"{count} samples";
}
