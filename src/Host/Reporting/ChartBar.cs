namespace Pipeline.Host.Reporting;

/// <summary>One bar of a bar chart.</summary>
/// <param name="Label">What the bar stands for, written beside it on the category axis (a matrix cell's name).</param>
/// <param name="Value">The bar's length, already scaled (accuracy in percent).</param>
/// <param name="ValueText">The value as written at the end of the bar (<c>72.5%</c>).</param>
public sealed record ChartBar(string Label, double Value, string ValueText)
{
    /// <summary>Half the length of an error bar drawn at the bar's end (a standard deviation, scaled as the value); 0 draws none.</summary>
    public double Error { get; init; }
}
