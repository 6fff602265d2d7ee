namespace Pipeline.Host.Data.Templates;

/// <summary>The conversation formats a pipeline can train in (YAML <c>data.template</c>); see docs/DATA-TEMPLATES.md.</summary>
public enum ConversationTemplateName
{
    /// <summary>The project's own format: BOS, the turns' texts with nothing between them, EOS after every answer.</summary>
    Plain,

    /// <summary>Vicuna v1 as LLaVA-1.5 trains: a system line, then <c>USER: ... ASSISTANT: ...&lt;/s&gt;</c>.</summary>
    LlavaV1,

    /// <summary>LLaMA-2 chat: <c>&lt;s&gt;[INST] &lt;&lt;SYS&gt;&gt; ... &lt;&lt;/SYS&gt;&gt; ... [/INST] answer &lt;/s&gt;</c>.</summary>
    Llama2,

    /// <summary>LLaMA-3 instruct: header tokens around each role, <c>&lt;|eot_id|&gt;</c> after each message.</summary>
    Llama3,

    /// <summary>ChatML: <c>&lt;|im_start|&gt;role\n...&lt;|im_end|&gt;\n</c> per message.</summary>
    Chatml,
}
