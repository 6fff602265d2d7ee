using Pipeline.Host.Config;
using Pipeline.Host.Data;
using Pipeline.Host.Data.Templates;
using Pipeline.Host.Training;

namespace Pipeline.Host.Pipelines;

/// <summary>Loads a pipeline's samples and tokenizer from <c>data</c>.</summary>
public static class DataFactory
{
    /// <summary>Loads the data; any bad sample is an error (whatever <c>data.on_error</c> says).</summary>
    /// <exception cref="InvalidDataException">A data file, or a sample in one, is bad; the message names it.</exception>
    public static (ITextTokenizer Tokenizer, DataSplits Splits) Load(PipelineDefinition definition)
    {
        var data = Read(definition);
        if (data.Problems.Count > 0) throw new InvalidDataException(data.Problems[0].Problem.Message);
        return (data.Tokenizer, data.Splits);
    }

    /// <summary>
    /// Reads every split, keeping the samples that load and a <see cref="SplitProblem"/> for each that does not.
    /// All files go through <paramref name="reader"/>, so transient I/O errors are retried.
    /// </summary>
    /// <param name="definition">The pipeline.</param>
    /// <param name="reader">Reads data and tokenizer files; <see cref="DataFileReader.Default"/> when omitted.</param>
    /// <exception cref="InvalidDataException">A data file itself is missing or malformed, or the tokenizer cannot be read.</exception>
    /// <exception cref="IOException">A file exists but could not be read, even after retries.</exception>
    public static LoadedData Read(PipelineDefinition definition, DataFileReader? reader = null)
    {
        DataConfig data = definition.Config.Data;
        // A vocabulary built from the data also holds the words the template writes around the turns.
        var templateTexts = ConversationTemplates.For(data.Template).FixedTexts(data.SystemPrompt);
        if (data.Source == DataSource.Synthetic)
        {
            var generated = SyntheticInstructionSet.Generate(data.Synthetic);
            var splits = new DataSplits(generated.Pretrain, generated.Train, generated.Eval);
            return new LoadedData(WordTokenizer.Build(Texts(splits).Concat(templateTexts)), splits, []);
        }
        var llava = data.Llava;
        string? mediaRoot = string.IsNullOrEmpty(llava.MediaRoot) ? null : definition.Resolve(llava.MediaRoot);
        var problems = new List<SplitProblem>();
        IReadOnlyList<Sample> ReadSplit(string split, string path)
        {
            if (string.IsNullOrEmpty(path)) return [];
            var loaded = LlavaConversationDataset.Read(definition.Resolve(path), mediaRoot, reader);
            problems.AddRange(loaded.Problems.Select(p => new SplitProblem(split, p)));
            return loaded.Samples;
        }
        var files = new DataSplits(ReadSplit("pretrain", llava.Pretrain), ReadSplit("train", llava.Train), ReadSplit("eval", llava.Eval));
        ITextTokenizer tokenizer = string.IsNullOrEmpty(llava.Tokenizer)
            ? WordTokenizer.Build(Texts(files).Concat(templateTexts))
            : TokenizerLoader.Load(definition.Resolve(llava.Tokenizer), reader);
        return new LoadedData(tokenizer, files, problems);
    }

    private static IEnumerable<string> Texts(DataSplits splits) => splits.All.SelectMany(s => s.Turns).Select(t => t.Value);
}
