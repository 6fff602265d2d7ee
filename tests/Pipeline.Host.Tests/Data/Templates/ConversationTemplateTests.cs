using Pipeline.Host.Data;
using Pipeline.Host.Data.Templates;

namespace Pipeline.Host.Tests.Data.Templates;

public sealed class ConversationTemplateTests
{
    // Each string is written out from the format's own description, not produced by the code under test.
    public static TheoryData<ConversationTemplateName, string> ReferenceTexts => new()
    {
        {
            ConversationTemplateName.LlavaV1,
            "<s>You describe pictures. USER: <image>\nWhat is in the picture? ASSISTANT: A red circle.</s>" +
            "USER: How many are there? ASSISTANT: One.</s>"
        },
        {
            ConversationTemplateName.Llama2,
            "<s>[INST] <<SYS>>\nYou describe pictures.\n<</SYS>>\n\n<image>\nWhat is in the picture? [/INST] A red circle. </s>" +
            "<s>[INST] How many are there? [/INST] One. </s>"
        },
        {
            ConversationTemplateName.Llama3,
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou describe pictures.<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\n<image>\nWhat is in the picture?<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\nA red circle.<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nHow many are there?<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\nOne.<|eot_id|>"
        },
        {
            ConversationTemplateName.Chatml,
            "<|im_start|>system\nYou describe pictures.<|im_end|>\n" +
            "<|im_start|>user\n<image>\nWhat is in the picture?<|im_end|>\n" +
            "<|im_start|>assistant\nA red circle.<|im_end|>\n" +
            "<|im_start|>user\nHow many are there?<|im_end|>\n" +
            "<|im_start|>assistant\nOne.<|im_end|>\n"
        },
    };

    [Theory]
    [MemberData(nameof(ReferenceTexts))]
    public void Two_rounds_with_a_system_prompt_render_as_the_format_writes_them(ConversationTemplateName name, string expected)
    {
        var rendered = ConversationTemplates.For(name).Render(TwoRoundConversation.Turns, TwoRoundConversation.SystemPrompt);

        rendered.Text.Should().Be(expected);
    }

    [Theory]
    [MemberData(nameof(ReferenceTexts))]
    public void Only_the_answers_and_their_end_markers_are_supervised(ConversationTemplateName name, string _)
    {
        var rendered = ConversationTemplates.For(name).Render(TwoRoundConversation.Turns, TwoRoundConversation.SystemPrompt);

        var supervised = rendered.Segments.Where(s => s.Supervised).Select(s => s.Text).ToList();
        var (answer1, answer2, end) = name switch
        {
            ConversationTemplateName.LlavaV1 => ("A red circle.", "One.", "</s>"),
            ConversationTemplateName.Llama2 => ("A red circle. ", "One. ", "</s>"),
            ConversationTemplateName.Llama3 => ("A red circle.", "One.", "<|eot_id|>"),
            _ => ("A red circle.", "One.", "<|im_end|>"),
        };
        supervised.Should().Equal(answer1, end, answer2, end);
    }

    [Fact]
    public void Plain_writes_the_turns_between_bos_and_an_eos_after_each_answer()
    {
        var rendered = new PlainTemplate().Render(TwoRoundConversation.Turns);

        rendered.Text.Should().Be("<bos><image>\nWhat is in the picture?A red circle.<eos>How many are there?One.<eos>");
        rendered.Segments.Select(s => (s.Kind, s.Supervised)).Should().Equal(
            (TemplateSegmentKind.Bos, false), (TemplateSegmentKind.Text, false), (TemplateSegmentKind.Text, true),
            (TemplateSegmentKind.Eos, true), (TemplateSegmentKind.Text, false), (TemplateSegmentKind.Text, true),
            (TemplateSegmentKind.Eos, true));
    }

    [Fact]
    public void Llava_v1_uses_vicunas_system_line_when_none_is_configured()
    {
        var turns = TwoRoundConversation.Turns.Take(2).ToList();

        new LlavaV1Template().Render(turns).Text.Should().Be(
            "<s>A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, " +
            "detailed, and polite answers to the user's questions. USER: <image>\nWhat is in the picture? ASSISTANT: A red circle.</s>");
    }

    [Theory]
    [InlineData(ConversationTemplateName.Llama2, "<s>[INST] Hi? [/INST] Hello. </s>")]
    [InlineData(ConversationTemplateName.Llama3,
        "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>")]
    [InlineData(ConversationTemplateName.Chatml, "<|im_start|>user\n Hi? <|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>\n")]
    public void Without_a_system_prompt_the_other_formats_leave_out_the_system_part(ConversationTemplateName name, string expected)
    {
        // LLaMA-2 and LLaMA-3 trim the turn texts; ChatML keeps them as they are.
        ConversationTurn[] turns = [new(ConversationTurn.Human, " Hi? "), new(ConversationTurn.Assistant, "Hello.")];

        ConversationTemplates.For(name).Render(turns).Text.Should().Be(expected);
    }

    [Fact]
    public void Plain_refuses_a_system_prompt()
    {
        var act = () => new PlainTemplate().Render(TwoRoundConversation.Turns, "Be brief.");

        act.Should().Throw<ArgumentException>().WithMessage("the plain template has no system prompt*");
    }

    [Theory]
    [InlineData(ConversationTemplateName.Llama2, new[] { "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\n [/INST] ", " ", "[INST]  [/INST] " })]
    [InlineData(ConversationTemplateName.Chatml, new[] { "<|im_start|>", "system\nBe brief.", "<|im_end|>", "\n", "user\n", "assistant\n" })]
    public void Fixed_texts_are_everything_the_template_writes_around_the_turns(ConversationTemplateName name, string[] expected)
    {
        ConversationTemplates.For(name).FixedTexts("Be brief.").Should().Equal(expected);
    }
}
