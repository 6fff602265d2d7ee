namespace Pipeline.Bench.LargeVocabulary;

/// <summary>What one case measured in its own process.</summary>
/// <param name="Length">Tokens per sample (T).</param>
/// <param name="Logits"><c>full</c> (the head over every position) or <c>supervised</c> (over supervised positions only).</param>
/// <param name="LogitsShape">The shape of the logits one step materialised.</param>
/// <param name="SupervisedTokens">Supervised positions per batch (M).</param>
/// <param name="StartMiB">Resident memory once data and model are loaded, before the first step.</param>
/// <param name="PeakMiB">Peak resident memory of the process (<c>VmHWM</c>) after all steps.</param>
/// <param name="MedianStepMs">Median time of the timed steps (forward, backward, AdamW).</param>
/// <param name="FastestStepMs">Fastest timed step.</param>
/// <param name="FirstLoss">Loss of the warm-up step.</param>
/// <param name="LastLoss">Loss of the last step.</param>
internal sealed record CaseResult(int Length, string Logits, string LogitsShape, long SupervisedTokens, double StartMiB, double PeakMiB,
    double MedianStepMs, double FastestStepMs, double FirstLoss, double LastLoss);
