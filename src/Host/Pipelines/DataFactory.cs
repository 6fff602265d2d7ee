using Pipeline.Host.Config;
using Pipeline.Host.Data;
using Pipeline.Host.Data.Templates;
using Pipeline.Host.Training;

namespace Pipeline.Host.Pipelines;

/// <summary>
/// Opens a pipeline's data: one streaming pass over every split finds the items that are not well-formed samples and,
/// when no tokenizer file is configured, collects the word vocabulary. Nothing but the vocabulary and the problems
/// stays in memory; media are not decoded (the checks against the model do that, <see cref="DataCheck"/>).
/// </summary>
public static class DataFactory
{
    /// <summary>
    /// Reads and tokenises every split without checking it against a model; any bad sample is an error (whatever
    /// <c>data.on_error</c> says). For commands that need the data but do not train (<c>eval</c>, <c>params</c>, <c>export</c>).
    /// Dispose the splits when done.
    /// </summary>
    /// <exception cref="InvalidDataException">A data file, or a sample in one, is bad; the message names it.</exception>
    public static (ITextTokenizer Tokenizer, DataSplits Splits) Load(PipelineDefinition definition)
    {
        var data = Read(definition);
        if (data.Problems.Count > 0) throw new InvalidDataException(data.Problems[0].Problem.Message);
        var tokenizer = SampleTokenizer.For(data.Tokenizer, definition.Config.Data);
        var splits = new List<IReadOnlyList<TokenizedSample>>();
        try
        {
            foreach (var source in data.Sources)
            {
                var store = SplitStore.For(source, definition);
                splits.Add(store.Samples);
                foreach (var sample in source.Samples()) store.Add(tokenizer.Tokenize(sample));
            }
        }
        catch
        {
            foreach (var split in splits) (split as IDisposable)?.Dispose();
            throw;
        }
        return (data.Tokenizer, new DataSplits(splits[0], splits[1], splits[2]));
    }

    /// <summary>
    /// Streams every split once, keeping a <see cref="SplitProblem"/> for each item that is not a well-formed sample
    /// and building the word vocabulary when no tokenizer is configured. All files go through
    /// <paramref name="reader"/>, so transient I/O errors are retried.
    /// </summary>
    /// <param name="definition">The pipeline.</param>
    /// <param name="reader">Reads data and tokenizer files; <see cref="DataFileReader.Default"/> when omitted.</param>
    /// <exception cref="InvalidDataException">A data file itself is missing or malformed, or the tokenizer cannot be read.</exception>
    /// <exception cref="IOException">A file exists but could not be read, even after retries.</exception>
    public static LoadedData Read(PipelineDefinition definition, DataFileReader? reader = null)
    {
        reader ??= DataFileReader.Default;
        DataConfig data = definition.Config.Data;
        List<SplitSource> sources;
        if (data.Source == DataSource.Synthetic)
        {
            var generated = SyntheticInstructionSet.Generate(data.Synthetic);
            sources = [SplitSource.InMemory("pretrain", generated.Pretrain), SplitSource.InMemory("train", generated.Train),
                SplitSource.InMemory("eval", generated.Eval)];
        }
        else
        {
            var llava = data.Llava;
            string? mediaRoot = string.IsNullOrEmpty(llava.MediaRoot) ? null : definition.Resolve(llava.MediaRoot);
            SplitSource Source(string split, string path)
            {
                if (string.IsNullOrEmpty(path)) return SplitSource.Empty(split);
                string file = definition.Resolve(path);
                return new SplitSource(split, file, () => LlavaConversationDataset.Stream(file, mediaRoot, reader));
            }
            sources = [Source("pretrain", llava.Pretrain), Source("train", llava.Train), Source("eval", llava.Eval)];
        }

        bool buildVocabulary = data.Source == DataSource.Synthetic || string.IsNullOrEmpty(data.Llava.Tokenizer);
        // A tokenizer file is read first, so a bad path fails before a long pass over the data.
        ITextTokenizer? fileTokenizer = buildVocabulary ? null : TokenizerLoader.Load(definition.Resolve(data.Llava.Tokenizer), reader);
        var words = buildVocabulary ? new WordTokenizer.Builder() : null;
        // A vocabulary built from the data also holds the words the template writes around the turns.
        foreach (string text in buildVocabulary ? ConversationTemplates.For(data.Template).FixedTexts(data.SystemPrompt) : []) words!.Add(text);
        var problems = new List<SplitProblem>();
        var counts = new Dictionary<string, int>();
        foreach (var source in sources)
        {
            int count = 0;
            foreach (var read in source.Read())
            {
                if (read.Problem is { } problem)
                {
                    problems.Add(new SplitProblem(source.Split, problem));
                    continue;
                }
                count++;
                if (words is not null) foreach (var turn in read.Sample!.Turns) words.Add(turn.Value);
            }
            counts[source.Split] = count;
        }
        ITextTokenizer tokenizer = fileTokenizer ?? words!.Build();
        return new LoadedData(tokenizer, sources, problems, counts);
    }
}
