namespace Pipeline.Host.Data;

/// <summary>Opens a tokenizer file by its name: <c>tokenizer.model</c> (SentencePiece) or <c>tokenizer.json</c> (Hugging Face).</summary>
public static class TokenizerLoader
{
    /// <summary>Loads <paramref name="path"/> with the tokenizer its file name calls for.</summary>
    /// <exception cref="ArgumentException">The file name is neither <c>tokenizer.model</c> nor <c>tokenizer.json</c>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The path is not a readable regular file (a named pipe, a directory ...), or the file cannot be read as that kind of tokenizer.
    /// </exception>
    /// <param name="path">The tokenizer file.</param>
    /// <param name="reader">Reads the file; <see cref="DataFileReader.Default"/> when omitted.</param>
    public static ITextTokenizer Load(string path, DataFileReader? reader = null)
    {
        var name = Path.GetFileName(path);
        if (name is not ("tokenizer.model" or "tokenizer.json"))
        {
            throw new ArgumentException(
                $"unsupported tokenizer file '{path}': expected tokenizer.model (SentencePiece) or tokenizer.json (Hugging Face)", nameof(path));
        }
        if (MediaPathInspector.InspectDataFile($"tokenizer file '{path}'", path) is { } problem)
        {
            throw problem.Reason == SampleProblemReason.MissingMedia
                ? new FileNotFoundException(problem.Detail, path)
                : new InvalidDataException(problem.Detail);
        }
        return name == "tokenizer.model" ? SentencePieceTextTokenizer.Load(path, reader) : HuggingFaceBpeTokenizer.Load(path, reader);
    }
}
