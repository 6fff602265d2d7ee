using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Modules;
using Pipeline.Host.Config;
using Pipeline.Host.Modules.Llama;
using Pipeline.Host.Modules.Multimodal;
using Pipeline.Host.Training;
using static Pipeline.Host.Tests.Modules.ProjectionAdapterModules;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Training;

/// <summary>
/// The rule of <see cref="AdapterActivity"/>: an adapter is off before the first stage that trains it (by <c>adapters</c> or
/// by its instance name) and on from then on; one that no stage trains is on throughout.
/// </summary>
public sealed class AdapterActivityTests
{
    private static StageConfig Stage(string name, params string[] trainable) => new() { Name = name, Trainable = [.. trainable] };

    private static readonly StageConfig[] PretrainThenInstruct =
        [Stage("pretrain", "llm", "encoders", "projectors"), Stage("instruct", "adapters", "projectors"), Stage("polish", "llm")];

    [Fact]
    public void An_adapter_is_off_before_the_first_stage_that_trains_adapters_and_on_from_it_to_the_end()
    {
        var activity = new AdapterActivity(PretrainThenInstruct, ["lora"]);

        activity.FirstTrainingStage("lora").Should().Be(1);
        Enumerable.Range(0, 3).Select(stage => activity.IsActive("lora", stage)).Should().Equal(false, true, true);
        activity.FirstTrainedIn(1).Should().Equal("lora");
        activity.FirstTrainedIn(0).Should().BeEmpty();
        activity.FirstTrainedIn(2).Should().BeEmpty("only the first stage that trains an adapter activates it");
    }

    [Fact]
    public void A_stage_naming_an_adapter_starts_that_adapter_alone()
    {
        StageConfig[] stages = [Stage("pretrain", "llm"), Stage("first-only", "first", "projectors"), Stage("all", "adapters"), Stage("vision", "vision")];
        var activity = new AdapterActivity(stages, ["second", "first"]);

        (activity.FirstTrainingStage("first"), activity.FirstTrainingStage("second")).Should().Be((1, 2));
        Enumerable.Range(0, 4).Select(stage => activity.IsActive("second", stage)).Should().Equal(false, false, true, true);
        activity.FirstTrainedIn(1).Should().Equal("first");
        activity.FirstTrainedIn(2).Should().Equal("second");
        AdapterActivity.Trains(stages[3], "vision").Should().BeTrue("the rule reads names, and the loader keeps adapter and encoder names apart");
        AdapterActivity.Trains(stages[3], "first").Should().BeFalse();
    }

    [Fact]
    public void An_adapter_no_stage_trains_runs_in_every_stage()
    {
        var activity = new AdapterActivity([Stage("pretrain", "llm"), Stage("instruct", "projectors")], ["imported"]);

        activity.FirstTrainingStage("imported").Should().BeNull();
        new[] { 0, 1 }.Select(stage => activity.IsActive("imported", stage)).Should().Equal(true, true);
        new[] { 0, 1 }.SelectMany(stage => activity.FirstTrainedIn(stage)).Should().BeEmpty("an adapter no stage trains is never activated");
    }

    [Fact]
    public void A_name_that_is_not_an_adapter_is_refused()
    {
        var activity = new AdapterActivity(PretrainThenInstruct, ["lora"]);

        var act = () => activity.IsActive("dora", 0);

        act.Should().Throw<KeyNotFoundException>().WithMessage("no adapter named 'dora'");
        activity.Invoking(a => a.FirstTrainingStage("dora")).Should().Throw<KeyNotFoundException>().WithMessage("no adapter named 'dora'");
    }

    [Fact]
    public void Apply_switches_the_adapter_on_every_site_of_the_model_and_returns_the_names_switched_off()
    {
        var accessor = new ForwardContextAccessor();
        using var llm = new LlamaForCausalLM(new LlamaOptions { VocabSize = 16, HiddenSize = 16, IntermediateSize = 24, Layers = 1, Heads = 4, KvHeads = 2 }, accessor);
        llm.LinearSites["model.layers.0.self_attn.q_proj"].Attach("probe", new FixedDelta(new float[16, 16]));
        llm.LinearSites["lm_head"].Attach("probe", new FixedDelta(new float[16, 16]));
        llm.FeedForwardSites[0].AttachInputObserver("probe", new CallCounter());
        llm.AttentionInputSites[0].Attach("probe", new Scaling(2));
        llm.SequencePrefix!.Attach("probe", new ConstantPrefix(16, visibleToText: true));
        llm.LinearSites["model.layers.0.self_attn.v_proj"].Attach("kept", new FixedDelta(new float[8, 16]));
        var activity = new AdapterActivity([Stage("pretrain", "llm"), Stage("instruct", "probe")], ["probe", "kept"]);
        var sites = llm.named_modules().Select(m => m.module).Prepend(llm).OfType<ISwitchableAdapterSite>().ToList();

        var off = activity.Apply(llm, 0);

        off.Should().Equal("probe");
        sites.Should().HaveCount(1 + 1 + 7 + 1 + 1, "the model, its attention slot, 7 projections, the feed-forward block, lm_head");
        sites.Where(s => s is not AdaptableLinear || ((AdaptableLinear)s).AdapterNames.Contains("probe"))
            .Should().OnlyContain(s => !s.IsActive("probe"));
        sites.Should().OnlyContain(s => s.IsActive("kept"));
        activity.Apply(llm, 1).Should().BeEmpty();
        sites.Should().OnlyContain(s => s.IsActive("probe"));
    }
}
