using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Encoders;
using Pipeline.Host.Pipelines;
using static Pipeline.Host.Tests.Pipelines.FailingPlugins;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>A plugin that throws while being built or in forward is reported by kind, plugin name and place.</summary>
public sealed class PluginFailureTests
{
    /// <summary>
    /// The tiny pipeline with its LoRA adapter replaced by <paramref name="adapter"/> and, optionally, its vision encoder's
    /// factory wrapped by <paramref name="vision"/>.
    /// </summary>
    private static PipelineDefinition WithPlugins(TinyPipeline pipeline, IAdapterFactory adapter, string adapterName = "exploding",
        Func<IEncoderFactory, IEncoderFactory>? vision = null)
    {
        var definition = PipelineLoader.Load(pipeline.ConfigPath);
        var lora = definition.Adapters.Single();
        var encoders = definition.Encoders
            .Select(e => vision is not null && e.InstanceName == "vision" ? e with { PluginName = "broken-vision", Factory = vision(e.Factory) } : e)
            .ToList();
        return new PipelineDefinition
        {
            Document = definition.Document, Config = definition.Config, Catalog = definition.Catalog, Encoders = encoders,
            Adapters = [new ConfiguredPlugin<IAdapterFactory>(adapterName, "exploding", adapter, new object(), lora.Node)],
        };
    }

    public static TheoryData<Site, string> ForwardSites => new()
    {
        { Site.LlmLinear, "at llm.model.layers.0.self_attn.q_proj" },
        { Site.LlmFeedForwardObserver, "at llm.model.layers.0.mlp" },
        { Site.LlmSequencePrefix, "at llm" },
        { Site.VisionAttentionInput, "at encoders.vision.encoder.layers.0.attn_input" },
    };

    [Theory]
    [MemberData(nameof(ForwardSites))]
    public void An_adapter_module_that_throws_in_forward_is_reported_by_plugin_and_site(Site site, string where)
    {
        using var pipeline = new TinyPipeline();
        var definition = WithPlugins(pipeline, new ExplodingAdapterFactory(site));

        var act = () => PipelineRunner.Train(definition, _ => { });

        var failure = act.Should().Throw<PluginFailureException>().Which;
        failure.Message.Should().Be($"adapter plugin 'exploding' failed in forward {where}: {Failure}");
        (failure.Kind, failure.Name).Should().Be(("adapter", "exploding"));
        failure.InnerException.Should().BeOfType<InvalidOperationException>();
    }

    [Fact]
    public void An_adapter_instance_named_differently_from_its_plugin_is_named_too()
    {
        using var pipeline = new TinyPipeline();
        var definition = WithPlugins(pipeline, new ExplodingAdapterFactory(Site.LlmLinear), adapterName: "second");

        var act = () => PipelineRunner.Train(definition, _ => { });

        act.Should().Throw<PluginFailureException>().WithMessage(
            $"adapter plugin 'exploding' failed in forward (adapter 'second') at llm.model.layers.0.self_attn.q_proj: {Failure}");
    }

    [Theory]
    [InlineData(Misbehaviour.WrongShape, "its module returned shape [*, 1]; the projection's output has shape [*, 32]")]
    [InlineData(Misbehaviour.WrongDevice, "its module returned a tensor on meta; the projection's output is on cpu")]
    public void An_adapter_module_returning_a_wrong_shape_or_device_is_reported_by_plugin_and_site(Misbehaviour misbehaviour, string what)
    {
        using var pipeline = new TinyPipeline();
        var definition = WithPlugins(pipeline, new MisbehavingAdapterFactory(misbehaviour));

        var act = () => PipelineRunner.Train(definition, _ => { });

        act.Should().Throw<PluginFailureException>().WithMessage($"adapter plugin 'exploding' failed in forward at llm.model.layers.0.self_attn.q_proj: {what}");
    }

    [Fact]
    public void An_adapter_module_that_makes_finite_values_non_finite_is_named_when_the_loss_stops_the_run()
    {
        using var pipeline = new TinyPipeline();
        var definition = WithPlugins(pipeline, new MisbehavingAdapterFactory(Misbehaviour.NonFiniteOutput));

        var act = () => PipelineRunner.Train(definition, _ => { });

        // The adapter is off in pretraining (that stage does not train it), so the first stage it runs in is the instruction stage.
        var failure = act.Should().Throw<InvalidOperationException>().WithMessage("stage 'instruct' step 1: the loss is NaN; " +
            "stopping before the weights are corrupted; rerunning the batch with checks found: adapter plugin 'exploding' failed in forward at llm.model.layers.0.self_attn.q_proj: " +
            "its module turned finite input into non-finite output (NaN or infinity)").Which;
        failure.InnerException.Should().BeOfType<PluginFailureException>().Which.Name.Should().Be("exploding");
    }

    [Fact]
    public void An_encoder_returning_another_shape_than_it_declares_is_reported_by_plugin_and_component()
    {
        using var pipeline = new TinyPipeline();
        var definition = WithPlugins(pipeline, new MisbehavingAdapterFactory(Misbehaviour.None),
            vision: vision => new ExplodingEncoderFactory(vision, EncoderStep.NarrowEncode));

        var act = () => PipelineRunner.Train(definition, _ => { });

        act.Should().Throw<PluginFailureException>().WithMessage("encoder plugin 'broken-vision' failed in forward (component 'vision'): " +
            "it returned shape [*, 16] for * samples; expected [*, 32] (samples x TokenCount x Width)");
    }

    [Fact]
    public void An_encoder_that_makes_finite_media_non_finite_is_named_when_the_loss_stops_the_run()
    {
        using var pipeline = new TinyPipeline();
        var definition = WithPlugins(pipeline, new MisbehavingAdapterFactory(Misbehaviour.None),
            vision: vision => new ExplodingEncoderFactory(vision, EncoderStep.NonFiniteEncode));

        var act = () => PipelineRunner.Train(definition, _ => { });

        act.Should().Throw<InvalidOperationException>().WithMessage("stage 'pretrain' step 1: the loss is NaN; stopping before the weights are " +
            "corrupted; rerunning the batch with checks found: encoder plugin 'broken-vision' failed in forward (component 'vision'): " +
            "it turned finite media into non-finite features (NaN or infinity)");
    }

    [Fact]
    public void An_adapter_factory_that_returns_null_fails_while_attaching()
    {
        using var pipeline = new TinyPipeline();
        var definition = WithPlugins(pipeline, new NullAdapterFactory());

        var act = () => PipelineRunner.Train(definition, _ => { });

        act.Should().Throw<PluginFailureException>().WithMessage("adapter plugin 'exploding' failed while attaching: it returned null instead of the attached adapter");
        Directory.Exists(pipeline.OutputDirectory).Should().BeFalse();
    }

    [Fact]
    public void An_adapter_whose_modules_register_no_parameters_fails_while_attaching_before_the_output_directory_is_created()
    {
        using var pipeline = new TinyPipeline();
        var definition = WithPlugins(pipeline, new MisbehavingAdapterFactory(Misbehaviour.UnregisteredParameters));

        var act = () => PipelineRunner.Train(definition, _ => { });

        act.Should().Throw<PluginFailureException>().WithMessage("adapter plugin 'exploding' failed while attaching: it added no parameters to the model " +
            "(attached at 1 site): the modules it attaches must register their parameters (call RegisterComponents() at the end of their constructors), " +
            "or nothing trains");
        Directory.Exists(pipeline.OutputDirectory).Should().BeFalse();
    }

    [Fact]
    public void An_encoder_that_throws_in_forward_is_reported_by_plugin_and_component()
    {
        using var pipeline = new TinyPipeline();
        var definition = WithPlugins(pipeline, new ExplodingAdapterFactory(Site.LlmLinear),
            vision: vision => new ExplodingEncoderFactory(vision, EncoderStep.Encode));

        var act = () => PipelineRunner.Train(definition, _ => { });

        act.Should().Throw<PluginFailureException>().WithMessage($"encoder plugin 'broken-vision' failed in forward (component 'vision'): {Failure}");
    }

    [Fact]
    public void An_encoder_whose_collate_fails_other_than_with_bad_data_is_a_plugin_failure_before_training()
    {
        using var pipeline = new TinyPipeline();
        var definition = WithPlugins(pipeline, new ExplodingAdapterFactory(Site.LlmLinear),
            vision: vision => new ExplodingEncoderFactory(vision, EncoderStep.Collate));

        var act = () => PipelineRunner.Train(definition, _ => { });

        act.Should().Throw<PluginFailureException>().WithMessage($"encoder plugin 'broken-vision' failed while collating media: {Failure}");
        Directory.Exists(pipeline.OutputDirectory).Should().BeFalse();
    }

    [Fact]
    public void Plugins_that_throw_while_being_built_fail_before_the_output_directory_is_created()
    {
        using var pipeline = new TinyPipeline();
        var brokenEncoder = WithPlugins(pipeline, new ExplodingAdapterFactory(Site.LlmLinear),
            vision: vision => new ExplodingEncoderFactory(vision, EncoderStep.Create));
        var brokenAdapter = WithPlugins(pipeline, new ExplodingAdapterFactory(Site.ThrowWhileAttaching));

        var encoder = () => PipelineRunner.Train(brokenEncoder, _ => { });
        var adapter = () => PipelineRunner.Train(brokenAdapter, _ => { });

        encoder.Should().Throw<PluginFailureException>().WithMessage($"encoder plugin 'broken-vision' failed while being built: {Failure}");
        adapter.Should().Throw<PluginFailureException>().WithMessage($"adapter plugin 'exploding' failed while attaching: {Failure}");
        Directory.Exists(pipeline.OutputDirectory).Should().BeFalse();
    }
}
