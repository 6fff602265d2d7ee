namespace Pipeline.Host.Data.Templates;

/// <summary>How a <see cref="TemplateSegment"/> becomes token ids.</summary>
public enum TemplateSegmentKind
{
    /// <summary>Ordinary text, encoded by the tokenizer; media placeholders in it become their placeholder ids.</summary>
    Text,

    /// <summary>The tokenizer's beginning-of-sequence id, whatever the format spells it (<c>&lt;s&gt;</c>, <c>&lt;|begin_of_text|&gt;</c>).</summary>
    Bos,

    /// <summary>The tokenizer's end-of-sequence id, whatever the format spells it (<c>&lt;/s&gt;</c>).</summary>
    Eos,

    /// <summary>
    /// A marker of the format (<c>&lt;|im_start|&gt;</c>, <c>&lt;|eot_id|&gt;</c>, <c>[INST]</c>): the tokenizer's single
    /// control token of that spelling when it has one, else the spelling encoded as text.
    /// </summary>
    Control,
}
