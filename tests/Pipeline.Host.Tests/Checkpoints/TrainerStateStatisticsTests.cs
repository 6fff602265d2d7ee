using System.Text;
using System.Text.RegularExpressions;
using Pipeline.Host.Checkpoints;
using Pipeline.Host.Training;

namespace Pipeline.Host.Tests.Checkpoints;

/// <summary>
/// The finished stages a checkpoint records keep their evaluation's per-sample statistics, so the <c>summary.json</c> of
/// a resumed run has them; a checkpoint written before they existed still loads, with none.
/// </summary>
public sealed class TrainerStateStatisticsTests
{
    private static TrainerState State(EvaluationResult evaluation) => new()
    {
        Name = "checkpoint-000002", GlobalStep = 2, StageIndex = 0, StageName = "instruct", Step = 2, TotalSteps = 2, StageComplete = true,
        CompletedStages = [new StageSummary("instruct", 2, 1.5, evaluation)], TorchRngState = Convert.ToBase64String([1, 2, 3]),
        ParametersWithGradients = [], MetricsBytes = 0, Config = new Dictionary<string, string>(), ConfigFingerprint = "x",
    };

    [Fact]
    public void A_stages_statistics_survive_the_trainer_state_file()
    {
        var evaluation = new EvaluationResult(0.5, 0.25, 4, new Dictionary<string, double> { ["text"] = 0.25 })
        {
            Statistics = new Dictionary<string, double> { ["stat_mole_experts_0"] = 0.75, ["stat_mole_experts_text_0"] = 0.125 },
        };

        var read = TrainerState.Parse(State(evaluation).ToJson(), "trainer_state.json");

        read.CompletedStages.Single().Evaluation!.Statistics.Should().Equal(evaluation.Statistics);
    }

    [Fact]
    public void A_trainer_state_without_statistics_reads_as_none()
    {
        var json = Encoding.UTF8.GetString(State(new EvaluationResult(0.5, 0.25, 4, new Dictionary<string, double>())).ToJson());
        json.Should().Contain("\"statistics\": {}");
        string older = Regex.Replace(json, @",\s*""statistics"": \{\}", "");
        older.Should().NotContain("statistics");

        var read = TrainerState.Parse(Encoding.UTF8.GetBytes(older), "trainer_state.json");

        read.CompletedStages.Single().Evaluation!.Statistics.Should().BeEmpty();
    }
}
