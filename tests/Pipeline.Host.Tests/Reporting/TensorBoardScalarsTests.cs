using Pipeline.Host.Reporting;

namespace Pipeline.Host.Tests.Reporting;

/// <summary>Tags and global steps of hand-made metrics records; the run has stages pretrain (30 steps) and instruct (10).</summary>
public sealed class TensorBoardScalarsTests
{
    private readonly TensorBoardScalars _scalars = new([("pretrain", 30), ("instruct", 10)]);

    [Fact]
    public void A_training_record_of_the_second_stage_counts_the_first_stage_s_steps_and_leaves_out_its_labels()
    {
        var record = new Dictionary<string, object>
        {
            ["kind"] = "train", ["stage"] = "instruct", ["step"] = 5L, ["loss"] = 1.25, ["grad_norm"] = 0.5,
            ["tokens_per_second"] = 1000.0, ["skipped_steps"] = 0, ["lr_encoder"] = 1e-3, ["lr_llm"] = 2e-3, ["commit_kappa"] = 0.25,
        };

        _scalars.Of(record).Should().Equal(
            new TensorBoardScalar("train/loss", 35, 1.25),
            new TensorBoardScalar("train/grad_norm", 35, 0.5),
            new TensorBoardScalar("train/tokens_per_second", 35, 1000),
            new TensorBoardScalar("train/skipped_steps", 35, 0),
            new TensorBoardScalar("train/lr_encoder", 35, 1e-3),
            new TensorBoardScalar("train/lr_llm", 35, 2e-3),
            new TensorBoardScalar("train/commit_kappa", 35, 0.25));
    }

    [Fact]
    public void Evaluations_on_the_subset_and_on_the_whole_split_make_separate_curves()
    {
        var subset = new Dictionary<string, object>
        {
            ["kind"] = "eval", ["stage"] = "instruct", ["step"] = 4L, ["eval_loss"] = 2.0, ["accuracy"] = 0.5,
            ["samples"] = 12, ["subset"] = true, ["accuracy_image"] = 0.25,
        };
        var whole = new Dictionary<string, object>
        {
            ["kind"] = "eval", ["stage"] = "pretrain", ["step"] = 30L, ["eval_loss"] = 3.0, ["accuracy"] = 0.125, ["samples"] = 30,
        };

        _scalars.Of(subset).Should().Equal(
            new TensorBoardScalar("eval_subset/eval_loss", 34, 2.0),
            new TensorBoardScalar("eval_subset/accuracy", 34, 0.5),
            new TensorBoardScalar("eval_subset/samples", 34, 12),
            new TensorBoardScalar("eval_subset/accuracy_image", 34, 0.25));
        _scalars.Of(whole).Should().Equal(
            new TensorBoardScalar("eval/eval_loss", 30, 3.0),
            new TensorBoardScalar("eval/accuracy", 30, 0.125),
            new TensorBoardScalar("eval/samples", 30, 30));
    }

    [Fact]
    public void A_schedule_record_keeps_a_non_finite_rate()
    {
        var record = new Dictionary<string, object>
        {
            ["kind"] = "schedule", ["stage"] = "pretrain", ["step"] = 10L, ["lr_llm"] = double.NaN, ["commit_kappa"] = 0.75,
        };

        _scalars.Of(record).Should().Equal(
            new TensorBoardScalar("schedule/lr_llm", 10, double.NaN),
            new TensorBoardScalar("schedule/commit_kappa", 10, 0.75));
    }

    [Fact]
    public void A_data_record_goes_under_its_split_at_step_0_without_its_text_values()
    {
        var record = new Dictionary<string, object>
        {
            ["kind"] = "data", ["split"] = "train", ["samples"] = 998, ["skipped"] = 2, ["skipped_too_long"] = 2,
            ["audio_cut_to_seconds"] = 0.5, ["audio_cut_longest_sample"] = "clip-7",
        };

        _scalars.Of(record).Should().Equal(
            new TensorBoardScalar("data/train/samples", 0, 998),
            new TensorBoardScalar("data/train/skipped", 0, 2),
            new TensorBoardScalar("data/train/skipped_too_long", 0, 2),
            new TensorBoardScalar("data/train/audio_cut_to_seconds", 0, 0.5));
    }

    [Fact]
    public void Each_stage_starts_after_the_steps_of_the_stages_before_it()
    {
        var scalars = new TensorBoardScalars([("a", 7), ("b", 5), ("c", 3)]);

        new[] { "a", "b", "c" }.Select(scalars.StepsBefore).Should().Equal(0, 7, 12);
    }

    [Fact]
    public void A_record_of_a_stage_the_run_does_not_have_is_refused_by_name()
    {
        var record = new Dictionary<string, object> { ["kind"] = "train", ["stage"] = "finetune", ["step"] = 1L, ["loss"] = 1.0 };

        var act = () => _scalars.Of(record);

        act.Should().Throw<ArgumentException>()
            .WithMessage("a metrics record names stage 'finetune', which is not one of the run's stages (pretrain, instruct)");
    }
}
