namespace Pipeline.Host.Interop;

/// <summary>What <c>pipeline export</c> writes (docs/INTEROP.md).</summary>
public enum ExportFormat
{
    /// <summary>One LoRA adapter in PEFT's format, a directory per adapted component.</summary>
    Peft,

    /// <summary>Any adapters in this project's own format: every tensor they added, with their plugin and options.</summary>
    Adapters,

    /// <summary>The decoder with its adapters merged, as a Hugging Face LLaMA directory.</summary>
    Merged,
}
