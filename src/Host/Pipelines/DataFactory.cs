using Pipeline.Host.Config;
using Pipeline.Host.Data;
using Pipeline.Host.Training;

namespace Pipeline.Host.Pipelines;

/// <summary>Loads a pipeline's samples and tokenizer from <c>data</c>.</summary>
public static class DataFactory
{
    public static (ITextTokenizer Tokenizer, DataSplits Splits) Load(PipelineDefinition definition)
    {
        DataConfig data = definition.Config.Data;
        if (data.Source == DataSource.Synthetic)
        {
            var generated = SyntheticInstructionSet.Generate(data.Synthetic);
            var splits = new DataSplits(generated.Pretrain, generated.Train, generated.Eval);
            return (WordTokenizer.Build(Texts(splits)), splits);
        }
        var llava = data.Llava;
        string? mediaRoot = string.IsNullOrEmpty(llava.MediaRoot) ? null : definition.Resolve(llava.MediaRoot);
        IReadOnlyList<Sample> LoadSplit(string path) =>
            string.IsNullOrEmpty(path) ? [] : LlavaConversationDataset.Load(definition.Resolve(path), mediaRoot);
        var files = new DataSplits(LoadSplit(llava.Pretrain), LoadSplit(llava.Train), LoadSplit(llava.Eval));
        ITextTokenizer tokenizer = string.IsNullOrEmpty(llava.Tokenizer)
            ? WordTokenizer.Build(Texts(files))
            : TokenizerLoader.Load(definition.Resolve(llava.Tokenizer));
        return (tokenizer, files);
    }

    private static IEnumerable<string> Texts(DataSplits splits) => splits.All.SelectMany(s => s.Turns).Select(t => t.Value);
}
