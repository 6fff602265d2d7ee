namespace Pipeline.Host.Config;

/// <summary>LLaVA-style JSON data (YAML <c>data.llava</c>); paths are relative to the YAML file's folder.</summary>
public sealed record LlavaDataOptions
{
    /// <summary>Instruction-tuning conversations (split <c>train</c>).</summary>
    public string Train { get; init; } = "";

    /// <summary>Held-out conversations (split <c>eval</c>); empty for none.</summary>
    public string Eval { get; init; } = "";

    /// <summary>Pretraining conversations (split <c>pretrain</c>); empty for none.</summary>
    public string Pretrain { get; init; } = "";

    /// <summary>Folder media paths are relative to; empty means each JSON file's folder.</summary>
    public string MediaRoot { get; init; } = "";

    /// <summary><c>tokenizer.model</c> (SentencePiece) or <c>tokenizer.json</c> (Hugging Face); empty builds a word vocabulary from the data.</summary>
    public string Tokenizer { get; init; } = "";
}
