namespace Pipeline.Host.Matrix;

/// <summary>How a table marks one value against the baseline.</summary>
internal enum BaselineMark
{
    /// <summary>Not compared, or within its tolerance.</summary>
    None,

    /// <summary>Moved beyond its tolerance in the worse direction.</summary>
    Regressed,

    /// <summary>Moved beyond its tolerance in the better direction.</summary>
    Improved,
}
