using Pipeline.Contracts.Media;

namespace Pipeline.Host.Data;

/// <summary>
/// Generates the synthetic multimodal instruction data: shape images, tone clips and text facts, with questions
/// whose one-word answers need the media (or, for text, knowledge seen only in pretraining). Everything derives
/// from <see cref="SyntheticDataOptions.Seed"/> through <see cref="System.Random"/>, so the same options give
/// bit-identical samples.
/// </summary>
/// <remarks>
/// Answers are balanced: instruction samples cycle through their category's question types, and each question
/// type cycles through its answers, so a constant guess per question type scores <see cref="ChanceAccuracy"/>:
/// image 0.354 (3 shapes, 4 colours, 3 counts, 2 sides), audio 0.444 (3 counts, 2 pitches, 2 kinds) and text
/// 0.080 (a uniform guess among the answers of the fact's relation).
/// </remarks>
public static class SyntheticInstructionSet
{
    /// <summary>The share of each relation's facts that is asked about in evaluation only.</summary>
    public const double HeldOutFactShare = 0.3;

    private sealed record Question<TScene>(string Text, IReadOnlyList<string> Answers, Func<TScene, string, TScene> With);

    private static readonly IReadOnlyList<string> CountWords = ["one", "two", "three"];

    private static readonly Question<ImageScene>[] ImageQuestions =
    [
        new("what shape is in the image ?", ImageScene.Shapes, (scene, answer) => scene with { Shape = answer }),
        new("what colour are the shapes ?", ImageScene.Colours, (scene, answer) => scene with { Colour = answer }),
        new("how many shapes are there ?", CountWords, (scene, answer) => scene with { Count = CountOf(answer) }),
        new("are the shapes on the left or the right ?", ImageScene.Sides, (scene, answer) => scene with { Side = answer }),
    ];

    private static readonly Question<ToneClip>[] AudioQuestions =
    [
        new("how many beeps do you hear ?", CountWords, (clip, answer) => clip with { BeepCount = CountOf(answer) }),
        new("is the sound high or low ?", ToneClip.Pitches, (clip, answer) => clip with { Pitch = answer }),
        new("is it a chord or a single note ?", ToneClip.Kinds, (clip, answer) => clip with { Kind = answer }),
    ];

    /// <summary>
    /// Generates the pretraining, training and evaluation splits of <see cref="SyntheticDataOptions.Task"/>:
    /// the multimodal instructions here, the conflicting domains in <see cref="ConflictingDomainsSet"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static SyntheticSplits Generate(SyntheticDataOptions options)
    {
        ThrowIfInvalid(options);
        if (options.Task == SyntheticTask.ConflictingDomains) return ConflictingDomainsSet.Generate(options);
        var (instructed, heldOut) = SplitFacts(options.Seed);
        var media = new MediaFactory(options);
        var seen = new HashSet<UInt128>();
        var categories = options.EffectiveCategories;
        var captioned = options.EffectiveCaptionProperties;
        var questions = ImageQuestions.Where((_, i) => options.EffectiveImageQuestions.Contains(SyntheticDataOptions.AllImageQuestions[i])).ToArray();

        var pretrain = new List<Sample>();
        var random = new Random(DeriveSeed(options.Seed, 1));
        for (var i = 0; i < options.PretrainPerCategory && categories.Contains("image"); i++)
        {
            var scene = ImageScene.Random(random);
            pretrain.Add(Caption(Id("image", "pretrain", i), "image", media.Image(scene, random, Id("image", "pretrain", i), seen), scene.Caption(captioned)));
        }
        random = new Random(DeriveSeed(options.Seed, 2));
        for (var i = 0; i < options.PretrainPerCategory && categories.Contains("audio"); i++)
        {
            var clip = ToneClip.Random(random);
            pretrain.Add(Caption(Id("audio", "pretrain", i), "audio", media.Audio(clip, random, Id("audio", "pretrain", i), seen), clip.Caption()));
        }
        var allFacts = SyntheticWorld.Facts;
        for (var i = 0; i < options.PretrainPerCategory && categories.Contains("text"); i++)
        {
            pretrain.Add(Caption(Id("text", "pretrain", i), "text", null, allFacts[i % allFacts.Count].Statement));
        }
        for (var i = 0; i < options.TrainPerCategory && options.TextQuestionsInPretrain; i++)
        {
            var fact = instructed[i % instructed.Count];
            pretrain.Add(Instruction(Id("text", "pretrain-question", i), "text", null, fact.Question, fact.Answer));
        }

        var train = Instructions("train", options.TrainPerCategory, options.EffectiveTrainCategories, questions, instructed, media, options.Seed, 3, seen, avoid: null);
        var eval = Instructions("eval", options.EvalPerCategory, categories, questions, heldOut, media, options.Seed, 5, new HashSet<UInt128>(), avoid: seen);
        return new SyntheticSplits(pretrain, train, eval);
    }

    /// <summary>
    /// Splits each relation's facts deterministically into the facts asked about in training and the held-out
    /// ones (<see cref="HeldOutFactShare"/>, at least one per relation) asked about in evaluation only.
    /// </summary>
    public static (IReadOnlyList<TextFact> Instructed, IReadOnlyList<TextFact> HeldOut) SplitFacts(int seed)
    {
        var random = new Random(DeriveSeed(seed, 0));
        var instructed = new List<TextFact>();
        var heldOut = new List<TextFact>();
        foreach (var relation in SyntheticWorld.Relations)
        {
            var facts = SyntheticWorld.Facts.Where(f => f.Relation == relation).ToArray();
            random.Shuffle(facts);
            var heldOutCount = HeldOutCount(facts.Length);
            heldOut.AddRange(facts.Take(heldOutCount));
            instructed.AddRange(facts.Skip(heldOutCount));
        }
        return (instructed, heldOut);
    }

    /// <summary>
    /// The accuracy of guessing per question type without looking at the media (image, audio), or uniformly among
    /// the answers of the fact's relation (text), over the evaluation questions.
    /// </summary>
    /// <exception cref="ArgumentException">The category is not image, audio or text.</exception>
    public static double ChanceAccuracy(string category) => category switch
    {
        "image" => ImageQuestions.Average(q => 1.0 / q.Answers.Count),
        "audio" => AudioQuestions.Average(q => 1.0 / q.Answers.Count),
        "text" => SyntheticWorld.Relations.Sum(relation =>
                  {
                      var facts = SyntheticWorld.Facts.Where(f => f.Relation == relation).ToList();
                      return HeldOutCount(facts.Count) / (double)facts.Select(f => f.Answer).Distinct().Count();
                  }) / SyntheticWorld.Relations.Sum(r => HeldOutCount(SyntheticWorld.Facts.Count(f => f.Relation == r))),
        _ => throw new ArgumentException($"unknown category '{category}': expected image, audio or text", nameof(category)),
    };

    private static List<Sample> Instructions(string split, int perCategory, IReadOnlyList<string> categories,
        Question<ImageScene>[] imageQuestions, IReadOnlyList<TextFact> facts,
        MediaFactory media, int seed, int firstStream, HashSet<UInt128> seen, HashSet<UInt128>? avoid)
    {
        var samples = new List<Sample>();
        var random = new Random(DeriveSeed(seed, firstStream));
        for (var i = 0; i < perCategory && categories.Contains("image"); i++)
        {
            var question = imageQuestions[i % imageQuestions.Length];
            var answer = question.Answers[i / imageQuestions.Length % question.Answers.Count];
            var scene = question.With(ImageScene.Random(random), answer);
            var id = Id("image", split, i);
            samples.Add(Instruction(id, "image", media.Image(scene, random, id, seen, avoid), question.Text, answer));
        }
        random = new Random(DeriveSeed(seed, firstStream + 1));
        for (var i = 0; i < perCategory && categories.Contains("audio"); i++)
        {
            var question = AudioQuestions[i % AudioQuestions.Length];
            var answer = question.Answers[i / AudioQuestions.Length % question.Answers.Count];
            var clip = question.With(ToneClip.Random(random), answer);
            var id = Id("audio", split, i);
            samples.Add(Instruction(id, "audio", media.Audio(clip, random, id, seen, avoid), question.Text, answer));
        }
        for (var i = 0; i < perCategory && categories.Contains("text"); i++)
        {
            var fact = facts[i % facts.Count];
            samples.Add(Instruction(Id("text", split, i), "text", null, fact.Question, fact.Answer));
        }
        return samples;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem of invalid options.</summary>
    internal static void ThrowIfInvalid(SyntheticDataOptions options)
    {
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(
                "invalid synthetic data options: " + string.Join("; ", errors.Select(e => $"{e.Key}: {e.Message}")), nameof(options));
        }
    }

    /// <summary>A sample of one human turn and one assistant turn, without media.</summary>
    internal static Sample TextInstruction(string id, string category, string question, string answer) =>
        Instruction(id, category, null, question, answer);

    private static Sample Caption(string id, string category, MediaItem? media, string caption) =>
        new(id, [new ConversationTurn(ConversationTurn.Human, media is null ? "" : MediaPlaceholders.For(media.Modality)),
                 new ConversationTurn(ConversationTurn.Assistant, caption)], Decoded(media), category);

    private static Sample Instruction(string id, string category, MediaItem? media, string question, string answer) =>
        new(id, [new ConversationTurn(ConversationTurn.Human, media is null ? question : $"{MediaPlaceholders.For(media.Modality)}\n{question}"),
                 new ConversationTurn(ConversationTurn.Assistant, answer)], Decoded(media), category);

    private static DecodedMedia? Decoded(MediaItem? media) => media is null ? null : new DecodedMedia(media);

    private static string Id(string category, string split, int index) => $"synthetic-{category}-{split}-{index:D5}";

    private static int CountOf(string word) => CountWords.ToList().IndexOf(word) + 1;

    private static int HeldOutCount(int facts) => Math.Max(1, (int)Math.Round(facts * HeldOutFactShare));

    /// <summary>Derives independent seeds for the random streams of one generation (SplitMix64 finalizer).</summary>
    internal static int DeriveSeed(int seed, int stream)
    {
        unchecked
        {
            var z = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)stream * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
        }
    }

    /// <summary>Renders media, redrawing (rarely, if ever) any item identical to one of <c>avoid</c>.</summary>
    private sealed class MediaFactory(SyntheticDataOptions options)
    {
        public ImageItem Image(ImageScene scene, Random random, string id, HashSet<UInt128> seen, HashSet<UInt128>? avoid = null)
        {
            while (true)
            {
                var image = ShapeRenderer.Render(scene, random, options.ImageSize, id);
                if (Keep(image.Pixels, seen, avoid))
                {
                    return image;
                }
            }
        }

        public AudioItem Audio(ToneClip clip, Random random, string id, HashSet<UInt128> seen, HashSet<UInt128>? avoid = null)
        {
            while (true)
            {
                var audio = ToneSynthesizer.Render(clip, random, options.SampleRate, options.ClipSeconds, id);
                if (Keep(audio.Samples, seen, avoid))
                {
                    return audio;
                }
            }
        }

        private static bool Keep(float[] values, HashSet<UInt128> seen, HashSet<UInt128>? avoid)
        {
            var fingerprint = Fingerprint(values);
            if (avoid is not null && avoid.Contains(fingerprint))
            {
                return false;
            }
            seen.Add(fingerprint);
            return true;
        }
    }

    /// <summary>A 128-bit FNV-1a hash of the values' bits, to tell media apart.</summary>
    internal static UInt128 Fingerprint(float[] values)
    {
        var hash = new UInt128(0x6C62272E07BB0142UL, 0x62B821756295C58DUL);
        var prime = new UInt128(0x0000000001000000UL, 0x000000000000013BUL);
        foreach (var value in values)
        {
            hash = (hash ^ BitConverter.SingleToUInt32Bits(value)) * prime;
        }
        return hash;
    }
}
