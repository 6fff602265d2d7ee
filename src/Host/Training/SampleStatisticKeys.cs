namespace Pipeline.Host.Training;

/// <summary>
/// The metrics keys of the per-sample statistics' means in <c>eval</c> records and <c>summary.json</c>: column
/// <c>k</c> (from 0) of statistic <c>name</c> averaged over all evaluated samples is <c>stat_&lt;name&gt;_&lt;k&gt;</c>, and
/// over the samples of one category <c>stat_&lt;name&gt;_&lt;category&gt;_&lt;k&gt;</c> (<c>stat_mole_experts_0</c>,
/// <c>stat_mole_layer1_experts_image_2</c>). The prefix keeps them apart from <c>accuracy_&lt;category&gt;</c>.
/// </summary>
public static class SampleStatisticKeys
{
    /// <summary>What every statistic key starts with.</summary>
    public const string Prefix = "stat_";

    /// <summary>The key of column <paramref name="column"/> of <paramref name="name"/>, averaged over all samples.</summary>
    public static string AllSamples(string name, int column) => $"{Prefix}{name}_{column}";

    /// <summary>The key of column <paramref name="column"/> of <paramref name="name"/>, averaged over the samples of <paramref name="category"/>.</summary>
    public static string ForCategory(string name, string category, int column) => $"{Prefix}{name}_{category}_{column}";
}
