namespace Pipeline.Host.Config;

/// <summary>A data split a stage trains on.</summary>
public enum DataSplit
{
    /// <summary>Captions and plain text, for teaching the base model language and media.</summary>
    Pretrain,

    /// <summary>Instruction conversations.</summary>
    Train,
}
