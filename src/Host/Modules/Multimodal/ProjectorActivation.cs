namespace Pipeline.Host.Modules.Multimodal;

/// <summary>The projector's activation.</summary>
public enum ProjectorActivation
{
    /// <summary>GELU, as in LLaVA-1.5.</summary>
    Gelu,

    /// <summary>SiLU, as in LaVIN.</summary>
    Silu,
}
