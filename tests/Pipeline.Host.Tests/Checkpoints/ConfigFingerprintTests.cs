using Pipeline.Host.Checkpoints;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Checkpoints;

public sealed class ConfigFingerprintTests
{
    private static ConfigFingerprint Of(TinyPipeline pipeline, params string[] overrides) =>
        ConfigFingerprint.Of(PipelineLoader.Load(pipeline.ConfigPath, overrides));

    [Fact]
    public void Settings_that_do_not_change_the_numbers_leave_the_fingerprint_alone()
    {
        using var pipeline = new TinyPipeline();

        var changed = Of(pipeline, "run.output_dir=elsewhere", "run.threads=1", "run.log_every=1", "run.tensorboard=false", "run.device=cpu",
            "run.checkpoint.every=3", "run.checkpoint.keep_last=9", "run.on_non_finite=skip", "stages.0.beta1=0.9",
            "data.prefetch_batches=0");

        changed.Hash.Should().Be(Of(pipeline).Hash, "output, threads, logging, TensorBoard, checkpoint and non-finite settings, and explicit defaults, are not training-relevant");
    }

    [Fact]
    public void Synthetic_task_keys_enter_the_fingerprint_only_when_set_so_older_checkpoints_still_resume()
    {
        using var pipeline = new TinyPipeline();
        string[] taskKeys = ["task", "categories", "train_categories", "image_questions", "caption_properties", "text_questions_in_pretrain", "domains"];

        var defaults = Of(pipeline, "data.synthetic.task=instructions", "data.synthetic.text_questions_in_pretrain=false");
        var set = Of(pipeline, "data.synthetic.categories=[image, text]", "data.synthetic.text_questions_in_pretrain=true");

        defaults.Values.Keys.Should().NotContain(taskKeys.Select(k => $"data.synthetic.{k}"), "a fingerprint written before these keys existed had none of them");
        defaults.Hash.Should().Be(Of(pipeline).Hash);
        set.Values.Should().Contain("data.synthetic.categories[0]", "image").And.Contain("data.synthetic.categories[1]", "text")
            .And.Contain("data.synthetic.text_questions_in_pretrain", "true");
    }

    [Fact]
    public void Differences_are_named_by_key_with_both_values()
    {
        using var pipeline = new TinyPipeline();
        var checkpoint = Of(pipeline);

        var now = Of(pipeline, "stages.1.steps=11", "model.adapters.0.options.rank=8", "run.seed=4", "model.dtype=bfloat16");

        now.Hash.Should().NotBe(checkpoint.Hash);
        now.DifferencesFrom(checkpoint).Should().Equal(
            "model.adapters[0].options.rank: '4' in the checkpoint, '8' now",
            "model.dtype: 'float32' in the checkpoint, 'bfloat16' now",
            "run.seed: '3' in the checkpoint, '4' now",
            "stages[1].steps: '10' in the checkpoint, '11' now");
    }

    [Fact]
    public void Plugin_options_are_compared_as_bound_values_including_their_defaults()
    {
        using var pipeline = new TinyPipeline();

        var values = Of(pipeline).Values;

        values.Should().Contain("model.encoders.vision.plugin", "vision")
            .And.Contain("model.encoders.vision.options.patch_size", "8")
            .And.Contain("model.adapters[0].options.targets.llm[1]", "v_proj")
            .And.Contain("stages[1].scheduler.plugin", "warmup_cosine")
            .And.Contain("stages[1].scheduler.options.warmup_steps", "2")
            .And.Contain("stages[0].learning_rate.llm", "0.003");
        values.Keys.Should().NotContain(k => k.StartsWith("run.") && k != "run.seed");
    }

    [Fact]
    public void An_adapter_without_lr_scale_or_weight_decay_keeps_the_fingerprint_it_had_before_those_keys_existed()
    {
        using var pipeline = new TinyPipeline();

        var values = Of(pipeline).Values;

        values.Keys.Where(k => k.StartsWith("model.adapters[0].", StringComparison.Ordinal) && !k.StartsWith("model.adapters[0].options.", StringComparison.Ordinal))
            .Should().Equal(["model.adapters[0].name", "model.adapters[0].plugin"], "nothing about the new keys is recorded when they are absent");
        Of(pipeline, "model.adapters.0.lr_scale=1").Hash.Should().Be(Of(pipeline).Hash, "an explicit scale of 1 is the default");
    }

    [Fact]
    public void Setting_lr_scale_or_weight_decay_on_an_adapter_changes_the_fingerprint()
    {
        using var pipeline = new TinyPipeline();
        var checkpoint = Of(pipeline);

        var now = Of(pipeline, "model.adapters.0.lr_scale=100", "model.adapters.0.weight_decay=0");

        now.Hash.Should().NotBe(checkpoint.Hash);
        now.DifferencesFrom(checkpoint).Should().Equal(
            "model.adapters[0].lr_scale: (absent) in the checkpoint, '100' now",
            "model.adapters[0].weight_decay: (absent) in the checkpoint, '0' now");
    }
}
