namespace Pipeline.Host.Data;

/// <summary>
/// A checked sample as training reads it: its tokens, computed once, and a reference to its media. A media
/// placeholder is one id here (<see cref="ITextTokenizer.PlaceholderId"/>); the collator expands it to the encoder's
/// token count.
/// </summary>
/// <param name="Id">The sample id.</param>
/// <param name="Category">The category accuracy is reported under (<c>image</c>, <c>audio</c>, <c>text</c>).</param>
/// <param name="Location">Where it was read from; <c>null</c> for generated samples.</param>
/// <param name="Media">Its media, or <c>null</c>.</param>
/// <param name="Ids">The token ids, BOS first.</param>
/// <param name="Supervised">Per id, whether the model learns to predict it (answer tokens and their end marker).</param>
public sealed record TokenizedSample(string Id, string Category, SampleLocation? Location, MediaSource? Media, int[] Ids, bool[] Supervised)
{
    /// <summary>How the sample is named in messages: <c>data/train.json:12: sample 'img-3' (item 2)</c>, or <c>sample 'img-3'</c>.</summary>
    public string Describe() => SampleProblem.Prefix(Id, Location);
}
