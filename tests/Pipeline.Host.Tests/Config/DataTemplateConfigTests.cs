using Pipeline.Host.Config.Binding;
using Pipeline.Host.Data.Templates;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Config;

public sealed class DataTemplateConfigTests
{
    private static string WithDataLine(string line) =>
        TinyPipeline.Yaml.Replace("  eval_batch_size: 32\n", "  eval_batch_size: 32\n  " + line + "\n");

    private static string ErrorOf(string yaml)
    {
        using var pipeline = new TinyPipeline(yaml);
        var act = () => PipelineLoader.Load(pipeline.ConfigPath);
        return act.Should().Throw<ConfigException>().Which.Message.Replace(pipeline.ConfigPath, "pipeline.yaml");
    }

    [Fact]
    public void Template_defaults_to_plain_without_a_system_prompt()
    {
        using var pipeline = new TinyPipeline();

        var data = PipelineLoader.Load(pipeline.ConfigPath).Config.Data;

        (data.Template, data.SystemPrompt).Should().Be((ConversationTemplateName.Plain, ""));
    }

    [Fact]
    public void Template_and_system_prompt_bind_from_snake_case()
    {
        using var pipeline = new TinyPipeline(WithDataLine("template: llava_v1\n  system_prompt: Answer in one word."));

        var data = PipelineLoader.Load(pipeline.ConfigPath).Config.Data;

        (data.Template, data.SystemPrompt).Should().Be((ConversationTemplateName.LlavaV1, "Answer in one word."));
    }

    [Theory]
    [InlineData("vicuna", "")]
    [InlineData("chat_ml", " (did you mean 'chatml'?)")]
    public void An_unknown_template_lists_the_known_ones(string value, string suggestion)
    {
        ErrorOf(WithDataLine("template: " + value)).Should().Be(
            $"pipeline.yaml:26:13: data.template: expected one of plain, llava_v1, llama2, llama3, chatml, got '{value}'{suggestion}");
    }

    [Fact]
    public void A_system_prompt_with_the_plain_template_is_a_configuration_error()
    {
        ErrorOf(WithDataLine("system_prompt: Be brief.")).Should().Be(
            "pipeline.yaml:26:18: data.system_prompt: the plain template has no system prompt; choose another data.template or remove data.system_prompt");
    }
}
