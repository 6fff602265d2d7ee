namespace Pipeline.Host.Config;

/// <summary>Where samples come from (YAML <c>data.source</c>).</summary>
public enum DataSource
{
    /// <summary>The built-in synthetic multimodal set.</summary>
    Synthetic,

    /// <summary>LLaVA-style conversation JSON files with images and audio on disk.</summary>
    LlavaJson,
}
