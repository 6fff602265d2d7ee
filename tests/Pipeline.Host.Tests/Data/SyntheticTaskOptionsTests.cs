using Pipeline.Contracts.Media;
using Pipeline.Contracts.Options;
using Pipeline.Host.Data;

namespace Pipeline.Host.Tests.Data;

/// <summary>The instructions task's selections: categories per split, image question types, caption properties, pretraining questions.</summary>
public sealed class SyntheticTaskOptionsTests
{
    private static readonly SyntheticDataOptions Small = new() { TrainPerCategory = 24, EvalPerCategory = 12, PretrainPerCategory = 12 };

    [Fact]
    public void Categories_limit_every_split_and_train_categories_only_the_training_split()
    {
        var splits = SyntheticInstructionSet.Generate(Small with { Categories = ["image", "text"], TrainCategories = ["image"] });

        splits.Pretrain.Select(s => s.Category).Distinct().Should().Equal("image", "text");
        splits.Train.Select(s => s.Category).Distinct().Should().Equal("image");
        splits.Eval.Select(s => s.Category).Distinct().Should().Equal("image", "text");
    }

    [Fact]
    public void Leaving_a_category_out_keeps_the_other_categories_samples()
    {
        var all = SyntheticInstructionSet.Generate(Small);
        var withoutAudio = SyntheticInstructionSet.Generate(Small with { Categories = ["image", "text"] });

        Texts(withoutAudio.Train).Should().Equal(Texts(all.Train.Where(s => s.Category != "audio")));
        Values(withoutAudio.Train[0]).Should().Equal(Values(all.Train[0]));
    }

    [Fact]
    public void Image_questions_and_caption_properties_choose_what_is_asked_and_said()
    {
        var splits = SyntheticInstructionSet.Generate(Small with
        {
            Categories = ["image"], ImageQuestions = ["side", "count"], CaptionProperties = ["shape", "colour"],
        });

        splits.Train.Select(s => s.Turns[0].Value).Distinct().Should().Equal(
            "<image>\nhow many shapes are there ?", "<image>\nare the shapes on the left or the right ?");
        splits.Train.Select(s => s.Turns[1].Value).Should().StartWith(["one", "left", "two", "right", "three", "left"]);
        splits.Pretrain.Should().OnlyContain(s => !s.Turns[1].Value.Contains(" on the ") && s.Turns[1].Value.Split(' ').Length == 3);
    }

    [Fact]
    public void A_caption_names_only_the_chosen_properties()
    {
        var scene = new ImageScene("circle", "red", 2, "left");

        scene.Caption(["count", "colour", "shape", "side"]).Should().Be(scene.Caption()).And.Be("two red circles on the left .");
        scene.Caption(["colour", "shape"]).Should().Be("red circle .");
        scene.Caption(["count", "side"]).Should().Be("two shapes on the left .");
    }

    [Fact]
    public void Text_questions_in_pretrain_adds_the_training_splits_text_questions_to_pretraining()
    {
        var splits = SyntheticInstructionSet.Generate(Small with { TextQuestionsInPretrain = true, TrainCategories = ["image", "audio"] });

        var questions = splits.Pretrain.Where(s => s.Id.Contains("pretrain-question", StringComparison.Ordinal)).ToList();
        questions.Should().HaveCount(24);
        questions[0].Id.Should().Be("synthetic-text-pretrain-question-00000");
        var (instructed, _) = SyntheticInstructionSet.SplitFacts(Small.Seed);
        questions.Select(q => (q.Turns[0].Value, q.Turns[1].Value)).Should().OnlyContain(q => instructed.Any(f => f.Question == q.Item1 && f.Answer == q.Item2));
        splits.Train.Should().NotContain(s => s.Category == "text");
        splits.Eval.Should().Contain(s => s.Category == "text");
    }

    [Fact]
    public void Bad_selections_are_named_by_their_keys()
    {
        new SyntheticDataOptions { Categories = [], ImageQuestions = ["size"], CaptionProperties = ["shape", "shape"], Domains = ["word"] }.Validate()
            .Should().Equal(
                new OptionError("domains", "applies to task conflicting_domains only"),
                new OptionError("categories", "must name at least one of image, audio, text"),
                new OptionError("image_questions", "'size' is not one of shape, colour, count, side"),
                new OptionError("caption_properties", "names 'shape' twice"));
        new SyntheticDataOptions { Categories = ["image"], TrainCategories = ["text"], TextQuestionsInPretrain = true }.Validate()
            .Should().Equal(
                new OptionError("train_categories", "'text' is not one of image"),
                new OptionError("text_questions_in_pretrain", "needs text among the categories"));
        new SyntheticDataOptions { Task = SyntheticTask.ConflictingDomains, Categories = ["image"], TextQuestionsInPretrain = true, Domains = ["words"] }.Validate()
            .Should().Equal(
                new OptionError("categories", "applies to task instructions only; task conflicting_domains uses domains"),
                new OptionError("text_questions_in_pretrain", "applies to task instructions only"),
                new OptionError("domains", "'words' is not one of word, count, negation"));
    }

    private static IEnumerable<string> Texts(IEnumerable<Sample> samples) => samples.Select(s => $"{s.Id}|{s.Turns[0].Value}|{s.Turns[1].Value}");

    private static float[] Values(Sample sample) => sample.Media?.Load() is ImageItem image ? image.Pixels : [];
}
