namespace Pipeline.Host.Tests.Checkpoints;

/// <summary>
/// <see cref="UninterruptedTinyRun"/> with frozen weights in bfloat16, and pretraining that leaves the audio encoder
/// frozen, so it is stored in bfloat16 in stage 0 and trained (from its rounded values) in stage 1.
/// </summary>
public sealed class UninterruptedBfloat16TinyRun() : UninterruptedTinyRun(
    ["model.dtype=bfloat16", "stages.0.trainable=[llm, vision, projectors]", "stages.1.trainable=[adapters, projectors, audio]"]);

public sealed class ReducedPrecisionResumeTests(UninterruptedBfloat16TinyRun reference) : IClassFixture<UninterruptedBfloat16TinyRun>
{
    /// <summary>As <see cref="ResumeTests"/>: resuming from a checkpoint ends bit-identical to the uninterrupted run.</summary>
    [Theory]
    [InlineData("checkpoint-000004")] // mid-stage 0: the audio encoder is bfloat16 and not in the checkpoint
    [InlineData("checkpoint-000010")] // end of stage 0: stage 1 trains the audio encoder from its bfloat16 rounding
    [InlineData("checkpoint-000014")] // mid-stage 1: the LLM and vision are bfloat16, saved ones loaded exactly
    public void A_run_with_a_bfloat16_base_resumed_from_a_checkpoint_ends_exactly_as_the_uninterrupted_run(string checkpoint)
    {
        var (resumed, log) = reference.ResumeFrom(checkpoint);

        log.Should().Contain(line => line.StartsWith($"resumed from {checkpoint}"));
        log.Should().Contain("stage 'instruct': frozen weights stored as llm bfloat16, vision bfloat16");
        RunFiles.ShouldMatch(resumed, reference.Pipeline.OutputDirectory);
    }
}
