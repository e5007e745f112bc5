using System.Globalization;
using ScottPlot;
using Spindle.Monitor.Checks;
using Spindle.Monitor.IO;

namespace Spindle.Cli.Report;

/// <summary>The report's PNGs: the masses and their intervals over epochs beside loss and accuracy, and the per-order distributions of one check.</summary>
internal static class ReportPlots
{
    private const int Width = 1150;
    private const int PanelHeight = 330;

    /// <summary>Draws the masses with their bootstrap intervals against epoch, above train/test loss and accuracy (when the run has them), and writes a PNG atomically.</summary>
    /// <param name="run">The run.</param>
    /// <param name="stopEpoch">The epoch at which the rule fired, marked on every panel; null when it did not.</param>
    /// <param name="path">The PNG to write.</param>
    public static void SaveTimeline(ReportRun run, int? stopEpoch, string path)
    {
        var multiplot = new Multiplot();
        var masses = multiplot.GetPlot(0);
        var checks = run.Checks.Where(c => c.Check.Summary is not null).ToList();
        var first = run.Checks.Count > 0 ? run.Checks[0].Epoch : 0;
        var last = Math.Max(run.Checks.Count > 0 ? run.Checks[^1].Epoch : 0, run.Metrics.Count > 0 ? run.Metrics.Max(m => m.Epoch) : 0);
        var level = run.Checks.Select(c => c.Check.Uncertainty?.ConfidenceLevel).FirstOrDefault(l => l is not null);
        var band = level is { } l ? string.Create(CultureInfo.InvariantCulture, $"; bands: {l * 100:F0}% bootstrap intervals") : string.Empty;
        AddMass(masses, checks, CheckMetric.SpindleMass, "spindle mass (non-generalizable)", "#d94801");
        AddMass(masses, checks, CheckMetric.DecayMass, "decay mass (generalizable)", "#08519c");
        AddMass(masses, checks, CheckMetric.CancellationMass, "cancellation mass", "#238b45");
        masses.Title(string.Create(CultureInfo.InvariantCulture, $"{run.Name}: interaction masses, checks at epochs {first}-{last}{band}"));
        masses.YLabel("mass / Z (dimensionless)");
        var plots = new List<Plot> { masses };
        if (run.Metrics.Count > 0)
        {
            var epochs = run.Metrics.Select(m => (double)m.Epoch).ToArray();
            var loss = multiplot.AddPlot();
            AddLine(loss, epochs, run.Metrics.Select(m => m.TrainLoss).ToArray(), "train loss", "#636363", dashed: true);
            var tested = run.Metrics.Where(m => m.Test is not null).ToList();
            if (tested.Count > 0)
            {
                AddLine(loss, tested.Select(m => (double)m.Epoch).ToArray(), tested.Select(m => m.Test!.Loss).ToArray(), "test loss", "#000000", dashed: false);
            }

            loss.Title(string.Create(CultureInfo.InvariantCulture, $"{run.Name}: loss, epochs {run.Metrics[0].Epoch}-{run.Metrics[^1].Epoch}"));
            loss.YLabel("cross-entropy (nats per sample)");
            var accuracy = multiplot.AddPlot();
            AddLine(accuracy, epochs, run.Metrics.Select(m => m.TrainAccuracy * 100).ToArray(), "train accuracy", "#636363", dashed: true);
            if (tested.Count > 0)
            {
                AddLine(accuracy, tested.Select(m => (double)m.Epoch).ToArray(), tested.Select(m => m.Test!.Accuracy * 100).ToArray(), "test accuracy", "#000000", dashed: false);
            }

            accuracy.Title(string.Create(CultureInfo.InvariantCulture, $"{run.Name}: accuracy, epochs {run.Metrics[0].Epoch}-{run.Metrics[^1].Epoch}"));
            accuracy.YLabel("accuracy (%)");
            plots.Add(loss);
            plots.Add(accuracy);
        }

        foreach (var plot in plots)
        {
            plot.XLabel("epoch");
            plot.Axes.SetLimitsX(Math.Max(0, first - 0.5), last + 0.5);
            if (stopEpoch is { } stop)
            {
                var line = plot.Add.VerticalLine(stop);
                line.Color = Colors.Red;
                line.LinePattern = LinePattern.Dotted;
                line.LineWidth = 1.5f;
                line.LegendText = string.Create(CultureInfo.InvariantCulture, $"rule fired (epoch {stop})");
            }

            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

            // The same margins on every panel keep their epoch axes aligned; the legends go in the right margin.
            plot.Layout.Fixed(new PixelPadding(90, 290, 45, 35));
            plot.Axes.Title.Label.FontSize = 15;
            plot.ShowLegend(Edge.Right);
        }

        multiplot.SharedAxes.ShareX(plots);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Rows();
        using var image = multiplot.Render(Width, PanelHeight * plots.Count);
        AtomicFile.WriteAllBytes(path, image.GetImageBytes(ImageFormat.Png, 100));
    }

    /// <summary>Draws one check's A^(m),± with the fitted decay and spindle parts (over Z), as <c>spindle decompose</c> does, and writes a PNG.</summary>
    /// <param name="run">The run, for the title.</param>
    /// <param name="check">The check.</param>
    /// <param name="label">Why the check is shown (first, lowest spindle, ...).</param>
    /// <param name="path">The PNG to write.</param>
    public static void SaveOrders(ReportRun run, ReportCheck check, string label, string path)
    {
        var z = check.Check.Z;
        var scale = z > 0 ? z : 1;
        var title = string.Create(CultureInfo.InvariantCulture, $"{run.Name}: epoch {check.Epoch} ({label}), A(m),± over Z = {z:G3}, n = {check.Check.VariableCount}, {check.Check.SampleCount} probes");
        DecompositionPlot.Save(check.Check.Fit, scale, title, path);
    }

    private static void AddMass(Plot plot, List<ReportCheck> checks, CheckMetric metric, string legend, string color)
    {
        var epochs = checks.Select(c => (double)c.Epoch).ToArray();
        var values = checks.Select(c => c.Check.Value(metric) ?? double.NaN).ToArray();
        var intervals = checks.Select(c => c.Interval(metric)).ToList();
        if (intervals.All(i => i is not null) && epochs.Length > 0)
        {
            var fill = plot.Add.FillY(epochs, intervals.Select(i => i!.Lower).ToArray(), intervals.Select(i => i!.Upper).ToArray());
            fill.FillColor = Color.FromHex(color).WithAlpha(0.2);
            fill.LineColor = Colors.Transparent;
        }

        AddLine(plot, epochs, values, legend, color, dashed: false);
    }

    private static void AddLine(Plot plot, double[] xs, double[] ys, string legend, string color, bool dashed)
    {
        var line = plot.Add.Scatter(xs, ys);
        line.Color = Color.FromHex(color);
        line.LineWidth = 2;
        line.MarkerSize = xs.Length > 60 ? 0 : 5;
        line.LinePattern = dashed ? LinePattern.Dashed : LinePattern.Solid;
        line.LegendText = legend;
    }
}
