namespace Pipeline.Contracts.Options;

/// <summary>
/// Implemented by options types that check their own values. The host calls <see cref="Validate"/>
/// right after binding and reports each failure with the file, line and column of the offending key.
/// </summary>
public interface IValidatableOptions
{
    /// <summary>
    /// Returns one <see cref="OptionError"/> per invalid value; an empty sequence means valid.
    /// Name keys as they appear in YAML, relative to this options block (for example <c>rank</c>
    /// or <c>targets</c>).
    /// </summary>
    IEnumerable<OptionError> Validate();
}
