using Pipeline.Host.Config.Binding;

namespace Pipeline.Host.Data;

/// <summary>A sample that cannot be used, and why.</summary>
/// <param name="Reason">The kind of problem, for counting.</param>
/// <param name="SampleId">The sample's id, or <c>null</c> when the item has none.</param>
/// <param name="Location">Where the sample was read from, or <c>null</c> for generated samples.</param>
/// <param name="Detail">What is wrong, without the location or id (for example <c>image file '/d/a.png' does not exist</c>).</param>
public sealed record SampleProblem(SampleProblemReason Reason, string? SampleId, SampleLocation? Location, string Detail)
{
    /// <summary>The reason as metrics and logs spell it: <c>missing_media</c>, <c>too_long</c>, ...</summary>
    public string ReasonName => SnakeCase.FromPascalCase(Reason.ToString());

    /// <summary>
    /// The whole message: <c>data/train.json:12: sample 'img-3' (item 2): image file '/d/a.png' does not exist</c>;
    /// without a location <c>sample 'img-3': ...</c>; without an id <c>data/train.json:12: item 2: ...</c>.
    /// </summary>
    public string Message => $"{Prefix(SampleId, Location)}: {Detail}";

    /// <summary>
    /// How messages name a sample: <c>data/train.json:12: sample 'img-3' (item 2)</c>; without a location
    /// <c>sample 'img-3'</c>; without an id <c>data/train.json:12: item 2</c>.
    /// </summary>
    public static string Prefix(string? sampleId, SampleLocation? location)
    {
        string subject = (sampleId, location) switch
        {
            (null, null) => "a sample",
            (null, { } at) => $"item {at.Index}",
            ({ } id, null) => $"sample '{id}'",
            ({ } id, { } at) => $"sample '{id}' (item {at.Index})",
        };
        return location is null ? subject : $"{location}: {subject}";
    }

    public override string ToString() => Message;
}
