using Pipeline.Contracts.Media;
using Pipeline.Host.Data;

namespace Pipeline.Host.Tests.Data;

public sealed class SyntheticInstructionSetTests
{
    private static readonly SyntheticDataOptions Small = new() { TrainPerCategory = 24, EvalPerCategory = 12, PretrainPerCategory = 12 };

    private static readonly Lazy<SyntheticSplits> SmallSplits = new(() => SyntheticInstructionSet.Generate(Small));

    [Fact]
    public void Same_seed_gives_bit_identical_samples()
    {
        var first = SyntheticInstructionSet.Generate(Small);
        var second = SyntheticInstructionSet.Generate(Small);

        foreach (var (a, b) in All(first).Zip(All(second)))
        {
            a.Id.Should().Be(b.Id);
            a.Turns.Should().Equal(b.Turns);
            a.Category.Should().Be(b.Category);
            Values(a.Media?.Load()).Should().Equal(Values(b.Media?.Load()));
        }
        All(first).Should().HaveCount(All(second).Count());
    }

    [Fact]
    public void Different_seeds_give_different_media_and_fact_splits()
    {
        var first = SmallSplits.Value;
        var second = SyntheticInstructionSet.Generate(Small with { Seed = 99 });

        Values(first.Train[0].Media?.Load()).Should().NotEqual(Values(second.Train[0].Media?.Load()));
        Values(first.Train[Small.TrainPerCategory].Media?.Load()).Should().NotEqual(Values(second.Train[Small.TrainPerCategory].Media?.Load()));
        SyntheticInstructionSet.SplitFacts(1234).HeldOut.Should().NotEqual(SyntheticInstructionSet.SplitFacts(99).HeldOut);
    }

    [Fact]
    public void Samples_have_ids_categories_and_llava_style_turns()
    {
        var splits = SmallSplits.Value;

        splits.Pretrain.Should().HaveCount(36);
        splits.Train.Should().HaveCount(72);
        splits.Eval.Should().HaveCount(36);
        splits.Train[0].Id.Should().Be("synthetic-image-train-00000");
        splits.Train[0].Turns.Should().Equal(new ConversationTurn("human", "<image>\nwhat shape is in the image ?"), new ConversationTurn("gpt", "circle"));
        splits.Train[24].Turns[0].Value.Should().Be("<audio>\nhow many beeps do you hear ?");
        splits.Eval[35].Id.Should().Be("synthetic-text-eval-00011");
        splits.Eval[35].Media.Should().BeNull();
        splits.Pretrain[0].Turns[0].Value.Should().Be("<image>");
        splits.Pretrain[24].Turns.Should().Equal(new ConversationTurn("human", ""), new ConversationTurn("gpt", "after one comes two ."));
        All(splits).Select(s => (s.Category, s.Media?.Modality ?? "text")).Should().OnlyContain(p => p.Category == p.Item2);
        var image = (ImageItem)splits.Train[0].Media!.Load();
        (image.Height, image.Width, image.Pixels.Length).Should().Be((32, 32, 3 * 32 * 32));
        var audio = (AudioItem)splits.Train[24].Media!.Load();
        (audio.SampleRate, audio.Samples.Length).Should().Be((16000, 8000));
    }

    [Fact]
    public void Image_answers_and_captions_match_the_pixels()
    {
        var splits = SmallSplits.Value;

        foreach (var sample in splits.Train.Concat(splits.Eval).Where(s => s.Category == "image"))
        {
            var facts = MediaAnalysis.Analyse((ImageItem)sample.Media!.Load());
            var expected = sample.Turns[0].Value switch
            {
                "<image>\nwhat shape is in the image ?" => facts.Shape,
                "<image>\nwhat colour are the shapes ?" => facts.Colour,
                "<image>\nhow many shapes are there ?" => NumberWords.Of(facts.Count),
                "<image>\nare the shapes on the left or the right ?" => facts.Side,
                var other => throw new InvalidOperationException(other),
            };
            sample.Turns[1].Value.Should().Be(expected, sample.Id);
        }
        foreach (var sample in splits.Pretrain.Where(s => s.Category == "image"))
        {
            var facts = MediaAnalysis.Analyse((ImageItem)sample.Media!.Load());
            sample.Turns[1].Value.Should().Be(new ImageScene(facts.Shape, facts.Colour, facts.Count, facts.Side).Caption(), sample.Id);
        }
    }

    [Fact]
    public void Audio_answers_and_captions_match_the_waveform()
    {
        var splits = SmallSplits.Value;

        foreach (var sample in splits.Train.Where(s => s.Category == "audio"))
        {
            var facts = MediaAnalysis.Analyse((AudioItem)sample.Media!.Load());
            var expected = sample.Turns[0].Value switch
            {
                "<audio>\nhow many beeps do you hear ?" => NumberWords.Of(facts.Beeps),
                "<audio>\nis the sound high or low ?" => facts.Pitch,
                "<audio>\nis it a chord or a single note ?" => facts.Kind,
                var other => throw new InvalidOperationException(other),
            };
            sample.Turns[1].Value.Should().Be(expected, sample.Id);
        }
        foreach (var sample in splits.Pretrain.Where(s => s.Category == "audio"))
        {
            var facts = MediaAnalysis.Analyse((AudioItem)sample.Media!.Load());
            sample.Turns[1].Value.Should().Be(new ToneClip(facts.Beeps, facts.Pitch, facts.Kind).Caption(), sample.Id);
        }
    }

    [Fact]
    public void Eval_text_questions_are_about_pretrained_facts_never_asked_in_training()
    {
        var splits = SyntheticInstructionSet.Generate(Small with { TrainPerCategory = 60, EvalPerCategory = 18, PretrainPerCategory = 58 });
        var trainQuestions = splits.Train.Where(s => s.Category == "text").Select(s => s.Turns[0].Value).ToHashSet();
        var pretrainStatements = splits.Pretrain.Where(s => s.Category == "text").Select(s => s.Turns[1].Value).ToHashSet();
        var evalText = splits.Eval.Where(s => s.Category == "text").ToList();

        evalText.Select(s => s.Turns[0].Value).Should().OnlyContain(q => !trainQuestions.Contains(q));
        evalText.Select(s => s.Turns[0].Value).Distinct().Should().HaveCount(18);
        foreach (var sample in evalText)
        {
            var fact = SyntheticWorld.Facts.Single(f => f.Question == sample.Turns[0].Value);
            sample.Turns[1].Value.Should().Be(fact.Answer);
            pretrainStatements.Should().Contain(fact.Statement);
        }
        trainQuestions.Should().HaveCount(40);
    }

    [Fact]
    public void Eval_media_differ_from_all_training_media()
    {
        var splits = SmallSplits.Value;
        var trainMedia = splits.Pretrain.Concat(splits.Train).Where(s => s.Media is not null)
            .Select(s => SyntheticInstructionSet.Fingerprint(Values(s.Media?.Load()))).ToHashSet();

        splits.Eval.Where(s => s.Media is not null)
            .Should().OnlyContain(s => !trainMedia.Contains(SyntheticInstructionSet.Fingerprint(Values(s.Media!.Load()))));
    }

    [Fact]
    public void Answers_are_balanced_within_each_question()
    {
        var splits = SyntheticInstructionSet.Generate(Small with { TrainPerCategory = 144, PretrainPerCategory = 1, EvalPerCategory = 1 });

        foreach (var question in splits.Train.Where(s => s.Category != "text").GroupBy(s => s.Turns[0].Value))
        {
            var answerCounts = question.GroupBy(s => s.Turns[1].Value).Select(g => g.Count()).ToList();
            answerCounts.Should().OnlyContain(count => count == answerCounts[0], question.Key);
            answerCounts.Sum().Should().Be(question.Key.StartsWith("<image>") ? 36 : 48);
        }
        splits.Train.Where(s => s.Category != "text").Select(s => s.Turns[0].Value).Distinct().Should().HaveCount(7);
    }

    [Fact]
    public void Chance_accuracy_is_the_mean_guessing_accuracy_per_category()
    {
        SyntheticInstructionSet.ChanceAccuracy("image").Should().BeApproximately((1 / 3.0 + 1 / 4.0 + 1 / 3.0 + 1 / 2.0) / 4, 1e-12);
        SyntheticInstructionSet.ChanceAccuracy("audio").Should().BeApproximately((1 / 3.0 + 1 / 2.0 + 1 / 2.0) / 3, 1e-12);
        // Held out: 6 of 19 successor and 6 of 19 predecessor facts (19 answers each), 3 of 10 opposites (10 answers),
        // 3 of 10 colours of things (6 answers).
        SyntheticInstructionSet.ChanceAccuracy("text").Should().BeApproximately((6 / 19.0 + 6 / 19.0 + 3 / 10.0 + 3 / 6.0) / 18, 1e-12);
        var act = () => SyntheticInstructionSet.ChanceAccuracy("video");
        act.Should().Throw<ArgumentException>().WithMessage("unknown category 'video': expected image, audio or text*");
    }

    [Fact]
    public void Options_validation_names_the_offending_keys()
    {
        new SyntheticDataOptions().Validate().Should().BeEmpty();

        var errors = new SyntheticDataOptions { ImageSize = 8, SampleRate = 100, ClipSeconds = 0, TrainPerCategory = 0 }.Validate();

        errors.Should().Equal(
            new Pipeline.Contracts.Options.OptionError("image_size", "must be between 24 and 512, got 8"),
            new Pipeline.Contracts.Options.OptionError("sample_rate", "must be between 8000 and 48000, got 100"),
            new Pipeline.Contracts.Options.OptionError("clip_seconds", "must be between 0.1 and 10, got 0"),
            new Pipeline.Contracts.Options.OptionError("train_per_category", "must be at least 1, got 0"));
    }

    private static IEnumerable<Sample> All(SyntheticSplits splits) => splits.Pretrain.Concat(splits.Train).Concat(splits.Eval);

    private static float[] Values(MediaItem? media) => media switch
    {
        ImageItem image => image.Pixels,
        AudioItem audio => audio.Samples,
        _ => [],
    };
}
