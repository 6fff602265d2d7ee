namespace Pipeline.Host.Data;

/// <summary>Which synthetic data set the built-in source generates (YAML <c>data.synthetic.task</c>).</summary>
public enum SyntheticTask
{
    /// <summary>
    /// Multimodal instructions (<see cref="SyntheticInstructionSet"/>): shape images, tone clips and text facts, with
    /// captions and fact statements for pretraining. The quickstart's data.
    /// </summary>
    Instructions,

    /// <summary>
    /// Text-only instruction domains that answer the same input in conflicting conventions
    /// (<see cref="ConflictingDomainsSet"/>): a word, a count or a negated presence, told apart only by a domain tag.
    /// </summary>
    ConflictingDomains,
}
