using Pipeline.Contracts.Schedulers;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Schedulers.Commit;

/// <summary>
/// A step observation whose answer log-probabilities are given: <c>p0</c> with no group updated, <c>pS</c> with only
/// <c>encoder</c>, <c>pT</c> with only <c>llm</c>. Each call returns a fresh copy the caller owns.
/// </summary>
internal sealed class ConstructedStepObservation(long step, double[,] before, double[,] encoderUpdated, double[,] llmUpdated)
    : IStepObservation
{
    public long Step => step;

    public IReadOnlyList<string> Groups => ["encoder", "llm"];

    public List<string> Requests { get; } = [];

    public Tensor AnswerLogProbabilities(IReadOnlyCollection<string> updatedGroups)
    {
        string request = string.Join("+", updatedGroups.Order(StringComparer.Ordinal));
        Requests.Add(request);
        double[,] probabilities = request switch
        {
            "" => before,
            "encoder" => encoderUpdated,
            "llm" => llmUpdated,
            _ => throw new InvalidOperationException($"CoMMIT needs no rerun with '{request}' updated"),
        };
        return tensor(probabilities, dtype: ScalarType.Float32).log();
    }
}
