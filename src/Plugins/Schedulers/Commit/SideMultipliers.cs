namespace Pipeline.Plugins.Schedulers.Commit;

/// <summary>The CoMMIT learning-rate multipliers of the two sides.</summary>
/// <param name="Encoder"><c>m_S</c>, applied to the <c>encoder</c> group's base schedule.</param>
/// <param name="Llm"><c>m_T</c>, applied to the <c>llm</c> group's base schedule.</param>
public readonly record struct SideMultipliers(double Encoder, double Llm)
{
    /// <summary>Both 1: the base schedule unchanged.</summary>
    public static SideMultipliers None => new(1.0, 1.0);

    /// <summary>The multiplier of <paramref name="group"/>; 1 for a group CoMMIT does not know.</summary>
    public double Of(string group) => group switch
    {
        CommitReconstruction.EncoderSide => Encoder,
        CommitReconstruction.LlmSide => Llm,
        _ => 1.0,
    };
}
