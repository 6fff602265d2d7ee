using Pipeline.Host.Data;
using Pipeline.Host.IO;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Training;

/// <summary>
/// A media file that cannot be read is a problem of its sample in the data check, whatever the read threw; one that
/// turns bad after the check stops training at the batch that needs it, naming the sample, without hanging.
/// </summary>
public sealed class MediaReadFailureTests
{
    public static TheoryData<string, Exception, string, string> ReadFailures => new()
    {
        { "permission", new UnauthorizedAccessException("Access to the path is denied."), "unreadable_media", "image file '{path}' cannot be read: permission denied" },
        { "input/output error", new IOException("Input/output error"), "unreadable_media", "cannot read '{path}': Input/output error" },
        { "removed", new FileNotFoundException("Could not find file."), "missing_media", "image file '{path}' does not exist" },
    };

    [Theory]
    [MemberData(nameof(ReadFailures))]
    public void A_read_failure_in_the_data_check_is_a_problem_of_the_sample(string name, Exception failure, string reason, string detail)
    {
        using var data = new LlavaDataFolder();
        data.WriteTrain();
        var definition = PipelineLoader.Load(data.ConfigPath);
        var read = DataPreparation.Read(definition, _ => { });
        using var built = ModelFactory.Build(definition, read.Tokenizer.VocabularySize, CPU);
        var checker = new SampleChecker(SampleTokenizer.For(read.Tokenizer, definition.Config.Data),
            new BatchCollator(read.Tokenizer, built.Model, built.Model.Llm.Options.MaxSequenceLength), built.Model);
        string path = data.Media("red.png");
        var failing = new DataFileReader(_ => throw failure, new TransientFileRetry(1, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1)));
        ConversationTurn[] turns = [new(ConversationTurn.Human, "<image>\nwhat colour is it ?"), new(ConversationTurn.Assistant, "red")];
        var sample = new Sample(name, turns, new MediaFile("image", path, $"{name} (red.png)", failing), "image");

        var check = checker.Check([sample]).Single();

        check.Problem!.ReasonName.Should().Be(reason);
        check.Problem.Message.Should().Be($"sample '{name}': {detail.Replace("{path}", path)}");
    }

    [Fact]
    public void A_media_file_that_became_a_named_pipe_after_the_check_stops_training_at_its_batch()
    {
        using var data = new LlavaDataFolder();
        data.WriteTrain();
        var definition = PipelineLoader.Load(data.ConfigPath);
        var (tokenizer, splits) = DataFactory.Load(definition);
        using (splits)
        {
            using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
            var collator = new BatchCollator(tokenizer, built.Model, built.Model.Llm.Options.MaxSequenceLength);
            File.Delete(data.Media("red.png"));
            BadMediaCorpus.Make(BadMediaCorpus.Named("fifo"), data);
            File.Move(data.Media("pipe.png"), data.Media("red.png"));

            var prepare = () => collator.Prepare(splits.Train);

            prepare.Should().Throw<InvalidDataException>().WithMessage(
                $"{data.TrainJson}:2: sample 'img-1' (item 0): image file '{data.Media("red.png")}' is a named pipe (FIFO), not a regular file");
        }
    }
}
