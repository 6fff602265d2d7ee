using System.Text.Json.Nodes;

namespace Pipeline.Host.Tests.Checkpoints;

/// <summary>
/// <see cref="UninterruptedTinyRun"/> with its LoRA adapter (trained in stage 1) at 10 times the LLM's rate and a weight
/// decay of its own, so stage 1's optimizer has groups the per-side layout does not.
/// </summary>
public sealed class UninterruptedScaledAdapterTinyRun() : UninterruptedTinyRun(["model.adapters.0.lr_scale=10", "model.adapters.0.weight_decay=0.05"]);

public sealed class ScaledAdapterResumeTests(UninterruptedScaledAdapterTinyRun reference) : IClassFixture<UninterruptedScaledAdapterTinyRun>
{
    [Fact]
    public void The_adapters_rate_is_logged_at_ten_times_the_llm_rate_in_the_stage_that_trains_it()
    {
        var train = RunFiles.Metrics(reference.Pipeline.OutputDirectory).Select(line => JsonNode.Parse(line)!.AsObject())
            .Where(r => (string?)r["kind"] == "train").ToList();

        train.Where(r => (string?)r["stage"] == "pretrain").Should().OnlyContain(r => r["lr_llm_lora"] == null, "stage 0 does not train the adapter");
        var instruct = train.Where(r => (string?)r["stage"] == "instruct").ToList();
        instruct.Should().HaveCount(8);
        instruct.Should().OnlyContain(r => (double)r["lr_llm_lora"]! == (double)r["lr_llm"]! * 10);
        instruct.Select(r => (double)r["lr_llm"]!).Distinct().Should().HaveCountGreaterThan(2, "warmup and cosine shape the rate, and the adapter's with it");
    }

    /// <summary>Mid-stage 1: the adapter's own groups' AdamW moments are restored by parameter name.</summary>
    [Fact]
    public void A_run_resumed_mid_stage_ends_exactly_as_the_uninterrupted_run()
    {
        var (resumed, log) = reference.ResumeFrom("checkpoint-000014");

        log.Should().Contain(line => line.StartsWith("resumed from checkpoint-000014"));
        RunFiles.ShouldMatch(resumed, reference.Pipeline.OutputDirectory);
    }
}
