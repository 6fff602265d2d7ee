namespace Pipeline.Contracts.Options;

/// <summary>An invalid option value: the YAML key (relative to the options block) and what is wrong with it.</summary>
/// <param name="Key">The snake_case key as written in YAML, for example <c>rank</c>.</param>
/// <param name="Message">A sentence a user can act on, for example "must be at least 1, got 0".</param>
public sealed record OptionError(string Key, string Message);
