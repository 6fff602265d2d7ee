namespace Pipeline.Host.Data;

/// <summary>English number words one to twenty, as the synthetic data writes numbers.</summary>
public static class NumberWords
{
    private static readonly string[] Words =
    [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
    ];

    /// <summary>The largest number with a word.</summary>
    public const int Max = 20;

    /// <summary>The word of <paramref name="number"/> (0 to 20).</summary>
    public static string Of(int number) =>
        number is >= 0 and <= Max ? Words[number] : throw new ArgumentOutOfRangeException(nameof(number), number, "must be 0 to 20");
}
