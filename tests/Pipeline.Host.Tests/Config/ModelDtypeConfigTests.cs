using Pipeline.Host.Config;
using Pipeline.Host.Config.Binding;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Config;

public sealed class ModelDtypeConfigTests
{
    private static string Load(string modelLines)
    {
        using var pipeline = new TinyPipeline(TinyPipeline.Yaml.Replace("model:\n", "model:\n" + modelLines));
        var act = () => PipelineLoader.Load(pipeline.ConfigPath);
        return act.Should().Throw<ConfigException>().Which.Message.Replace(pipeline.ConfigPath, "pipeline.yaml");
    }

    [Fact]
    public void Dtype_defaults_to_float32_and_a_component_override_wins()
    {
        using var pipeline = new TinyPipeline(TinyPipeline.Yaml.Replace("model:\n", "model:\n  dtype: float16\n  dtypes: { vision: bfloat16 }\n"));
        using var plain = new TinyPipeline();

        var model = PipelineLoader.Load(pipeline.ConfigPath).Config.Model;

        PipelineLoader.Load(plain.ConfigPath).Config.Model.DtypeOf("llm").Should().Be(WeightDtype.Float32);
        model.DtypeOf("llm").Should().Be(WeightDtype.Float16);
        model.DtypeOf("audio").Should().Be(WeightDtype.Float16);
        model.DtypeOf("vision").Should().Be(WeightDtype.Bfloat16);
    }

    [Fact]
    public void A_dtype_that_is_not_one_of_the_three_is_an_error_at_its_key()
    {
        Load("  dtype: bf16\n").Should().Be("pipeline.yaml:7:10: model.dtype: expected one of float32, bfloat16, float16, got 'bf16'");
    }

    [Fact]
    public void A_per_component_dtype_is_checked_too()
    {
        Load("  dtypes: { llm: half }\n").Should().Be("pipeline.yaml:7:18: model.dtypes.llm: expected one of float32, bfloat16, float16, got 'half'");
    }

    [Fact]
    public void A_per_component_dtype_for_a_component_the_model_lacks_names_the_components()
    {
        Load("  dtypes: { video: bfloat16 }\n").Should().Be("pipeline.yaml:7:20: model.dtypes.video: no component 'video'; the model has: llm, vision, audio");
    }
}
