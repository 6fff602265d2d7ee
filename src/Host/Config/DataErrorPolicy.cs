namespace Pipeline.Host.Config;

/// <summary>What a bad sample does to a run (YAML <c>data.on_error</c>).</summary>
public enum DataErrorPolicy
{
    /// <summary>Any bad sample stops the run before training starts, with a message naming the sample and its file.</summary>
    Error,

    /// <summary>Bad samples are left out, logged, and counted per reason in a <c>data</c> record of <c>metrics.jsonl</c>.</summary>
    Skip,
}
