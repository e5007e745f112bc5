using System.Globalization;
using ScottPlot;
using Spindle.Monitor.IO;

namespace Spindle.Cli.Experiments.Evidence;

/// <summary>One series of a figure: a label, a colour, values and optional error half-widths (one standard deviation over seeds) or a band.</summary>
/// <param name="Label">The legend text; null for none.</param>
/// <param name="Color">A hex colour.</param>
/// <param name="Values">One value per x.</param>
/// <param name="Errors">Error half-widths, or null.</param>
/// <param name="Dashed">A dashed line (line plots only).</param>
/// <param name="Lower">The band's lower edge (line plots only), or null.</param>
/// <param name="Upper">The band's upper edge, or null.</param>
internal sealed record PlotSeries(string? Label, string Color, double[] Values, double[]? Errors = null, bool Dashed = false, double[]? Lower = null, double[]? Upper = null);

/// <summary>The PNG figures of the evidence reports (ScottPlot), written atomically.</summary>
internal static class EvidencePlots
{
    /// <summary>The palette the reports share.</summary>
    public static readonly string[] Palette = ["#08519c", "#d94801", "#238b45", "#6a51a3", "#636363", "#e7298a", "#a6761d", "#1b9e77"];

    /// <summary>Grouped bars per order m = 1..n; a series with negative values (A^(m),-) draws downwards.</summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="title">The title.</param>
    /// <param name="yLabel">The y-axis label.</param>
    /// <param name="series">The series; consecutive pairs may share a slot (use <paramref name="slots"/>).</param>
    /// <param name="slots">For each series, the slot (bar position within the group) it occupies.</param>
    public static void OrderBars(string path, string title, string yLabel, IReadOnlyList<PlotSeries> series, IReadOnlyList<int> slots)
    {
        var plot = new Plot();
        var slotCount = slots.Max() + 1;
        var width = 0.8 / slotCount;
        var n = series[0].Values.Length;
        for (var s = 0; s < series.Count; s++)
        {
            var item = series[s];
            var xs = Enumerable.Range(1, n).Select(m => m - 0.4 + (width * (slots[s] + 0.5))).ToArray();
            var bars = plot.Add.Bars(xs, item.Values);
            bars.Color = Color.FromHex(item.Color);
            foreach (var bar in bars.Bars)
            {
                bar.Size = width * 0.9;
                bar.LineWidth = 0;
            }

            if (item.Label is not null)
            {
                bars.LegendText = item.Label;
            }

            if (item.Errors is not null)
            {
                var errors = plot.Add.ErrorBar(xs, item.Values, item.Errors);
                errors.Color = Colors.Black;
            }
        }

        var orders = Enumerable.Range(1, n).Select(m => (double)m).ToArray();
        Finish(plot, path, title, "order m", yLabel, (orders, [.. orders.Select(m => m.ToString(CultureInfo.InvariantCulture))]), 0.4, n + 0.6);
    }

    /// <summary>Lines over a numeric x with optional error bars or bands.</summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="title">The title.</param>
    /// <param name="xLabel">The x-axis label.</param>
    /// <param name="yLabel">The y-axis label.</param>
    /// <param name="xs">The x values.</param>
    /// <param name="series">The series.</param>
    /// <param name="logX">Draw x on a log10 scale (x must be positive).</param>
    public static void Lines(string path, string title, string xLabel, string yLabel, double[] xs, IReadOnlyList<PlotSeries> series, bool logX = false)
    {
        var plot = new Plot();
        var x = logX ? xs.Select(Math.Log10).ToArray() : xs;
        foreach (var item in series)
        {
            if (item.Lower is not null && item.Upper is not null)
            {
                var band = plot.Add.FillY(x, item.Lower, item.Upper);
                band.FillColor = Color.FromHex(item.Color).WithAlpha(0.18);
                band.LineWidth = 0;
            }

            var line = plot.Add.Scatter(x, item.Values);
            line.Color = Color.FromHex(item.Color);
            line.LineWidth = 2;
            line.MarkerSize = 5;
            line.LinePattern = item.Dashed ? LinePattern.Dashed : LinePattern.Solid;
            if (item.Label is not null)
            {
                line.LegendText = item.Label;
            }

            if (item.Errors is not null)
            {
                var errors = plot.Add.ErrorBar(x, item.Values, item.Errors);
                errors.Color = Color.FromHex(item.Color);
            }
        }

        var pad = (x.Max() - x.Min()) * 0.04;
        // On a log scale the ticks sit at the data's own x values, labelled with those values rather than their logarithms.
        (double[], string[])? ticks = logX ? (x, [.. xs.Select(v => v.ToString("G4", CultureInfo.InvariantCulture))]) : null;
        Finish(plot, path, title, xLabel + (logX ? " (log scale)" : string.Empty), yLabel, ticks, x.Min() - pad, x.Max() + pad);
    }

    private static void Finish(Plot plot, string path, string title, string xLabel, string yLabel, (double[] Positions, string[] Labels)? ticks, double xMin, double xMax)
    {
        var zero = plot.Add.HorizontalLine(0);
        zero.Color = Colors.Black;
        zero.LineWidth = 1;
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (ticks is { } manual)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(manual.Positions, manual.Labels);
        }

        plot.Axes.AutoScale();
        plot.Axes.SetLimitsX(xMin, xMax);
        plot.ShowLegend(Alignment.UpperRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(900, 520, ImageFormat.Png));
    }
}
