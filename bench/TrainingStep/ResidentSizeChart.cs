extern alias ScottPlotLibrary;

using ScottPlotLibrary::ScottPlot;

namespace Pipeline.Bench.TrainingStep;

/// <summary>Draws the resident size and the managed heap over the steps as a PNG, with ScottPlot as the host's charts do.</summary>
internal static class ResidentSizeChart
{
    public static void Render(IReadOnlyList<ResidentSizeSampler.Sample> samples, string title, string path)
    {
        var plot = new Plot();
        try
        {
            plot.Title(title);
            plot.XLabel("step of the instruction stage");
            plot.YLabel("MiB");
            double[] steps = samples.Select(s => (double)s.Step).ToArray();
            var resident = plot.Add.Scatter(steps, samples.Select(s => s.ResidentMiB).ToArray());
            resident.LegendText = "resident size (VmRSS)";
            resident.MarkerSize = 0;
            var managed = plot.Add.Scatter(steps, samples.Select(s => s.ManagedMiB).ToArray());
            managed.LegendText = "managed heap";
            managed.MarkerSize = 0;
            plot.Axes.AutoScale();
            plot.Axes.SetLimitsY(0, samples.Max(s => s.ResidentMiB) * 1.1);
            plot.ShowLegend(Edge.Right);
            plot.SavePng(path, 1000, 560);
        }
        finally
        {
            plot.Dispose();
        }
    }
}
