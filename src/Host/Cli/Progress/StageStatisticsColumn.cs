using System.Globalization;
using Pipeline.Host.Reporting;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Pipeline.Host.Cli.Progress;

/// <summary>The progress column after a stage's bar: <c>120/700  loss 2.3141  4,210 tok/s  ETA 0:42</c>, read from
/// the task's <see cref="StageStatistics"/> tag.</summary>
public sealed class StageStatisticsColumn : ProgressColumn
{
    protected override bool NoWrap => true;

    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
    {
        if (task.Tag is not StageStatistics statistics) return Text.Empty;
        return new Markup(Format(statistics));
    }

    /// <summary>The column's markup; fixed widths keep it from jumping while the numbers change.</summary>
    public static string Format(StageStatistics s)
    {
        int width = s.TotalSteps.ToString(CultureInfo.InvariantCulture).Length;
        string steps = s.Step.ToString(CultureInfo.InvariantCulture).PadLeft(width) + "/" + s.TotalSteps.ToString(CultureInfo.InvariantCulture);
        string loss = double.IsFinite(s.RecentLoss) ? s.RecentLoss.ToString("F4", CultureInfo.InvariantCulture) : "-";
        string rate = s.TokensPerSecond.ToString("N0", CultureInfo.InvariantCulture).PadLeft(7);
        string time = s.Failed ? "[red]stopped[/]"
            : s.Step >= s.TotalSteps ? "[green]done[/]"
            : "ETA " + (s.Remaining is { } left ? StageClock.FormatDuration(left) : "-:--");
        return $"{steps}  loss [bold]{loss,7}[/]  {rate} tok/s  {time}";
    }
}
