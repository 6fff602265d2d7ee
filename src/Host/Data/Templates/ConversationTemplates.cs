namespace Pipeline.Host.Data.Templates;

/// <summary>The built-in conversation templates, by name.</summary>
public static class ConversationTemplates
{
    /// <summary>The template called <paramref name="name"/>.</summary>
    public static ConversationTemplate For(ConversationTemplateName name) => name switch
    {
        ConversationTemplateName.Plain => new PlainTemplate(),
        ConversationTemplateName.LlavaV1 => new LlavaV1Template(),
        ConversationTemplateName.Llama2 => new Llama2Template(),
        ConversationTemplateName.Llama3 => new Llama3Template(),
        ConversationTemplateName.Chatml => new ChatMlTemplate(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown conversation template"),
    };
}
