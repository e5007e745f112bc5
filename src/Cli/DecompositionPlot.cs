using System.Globalization;
using ScottPlot;
using Spindle.Monitor.Decomposition;
using Spindle.Monitor.IO;

namespace Spindle.Cli;

/// <summary>Draws a decomposition as in the paper's Figure 4: bars for A^(m),+ and A^(m),-, curves for the decay and spindle parts.</summary>
internal static class DecompositionPlot
{
    /// <summary>Writes the plot as a PNG, atomically (temporary file, then move).</summary>
    /// <param name="result">The fitted decomposition.</param>
    /// <param name="scale">Divisor of every value (Z, for the normalised scale of appendix K.3; 1 for raw).</param>
    /// <param name="title">The plot title.</param>
    /// <param name="path">The PNG file to write.</param>
    /// <param name="split">Optional ground truth from baseline models, drawn as A_gen and A_non markers.</param>
    public static void Save(DecompositionResult result, double scale, string title, string path, GeneralizabilitySplit? split = null)
    {
        var bytes = Build(result, scale, title, split).GetImageBytes(900, 560, ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>The label of the strength axis: raw, or divided by Z.</summary>
    /// <param name="scale">Z, or 1 for raw strengths.</param>
    /// <returns>The label.</returns>
    public static string StrengthLabel(double scale) => scale == 1 ? "interaction strength (raw)" : "interaction strength / Z";

    /// <summary>The caption under the order axis, which says what Z is.</summary>
    /// <param name="scale">Z, or 1 for raw strengths.</param>
    /// <returns>The caption.</returns>
    public static string Caption(double scale) => scale == 1
        ? "raw strengths: Z = 0 (no salient order-1 interaction), so nothing is divided by it"
        : string.Create(CultureInfo.InvariantCulture, $"Z = {scale:G3}: the mean summed |I| of the salient order-1 interactions (App. K.3)");

    /// <summary>The title's second line: which run, epoch and samples the extraction comes from.</summary>
    /// <param name="provenance">The extraction's provenance, or null when the file records none.</param>
    /// <returns>The line.</returns>
    public static string Source(Spindle.Monitor.Checks.CheckProvenance? provenance)
    {
        if (provenance is null || (provenance.Run is null && provenance.Epoch is null))
        {
            return "run and epoch not recorded in the extraction file";
        }

        var run = provenance.Run is { } r ? Path.GetFileName(Path.TrimEndingDirectorySeparator(r)) : "run not recorded";
        var epoch = provenance.Epoch is int e ? e.ToString(CultureInfo.InvariantCulture) : "not recorded";
        var samples = provenance.SampleIndices is { Count: > 0 } indices ? string.Create(CultureInfo.InvariantCulture, $", {indices.Count} {provenance.Split ?? string.Empty} samples") : string.Empty;
        return $"run {run}, epoch {epoch}{(provenance.Model is { } m ? $" ({m})" : string.Empty)}{samples}";
    }

    /// <summary>Builds the plot.</summary>
    /// <param name="result">The fitted decomposition.</param>
    /// <param name="scale">Divisor of every value (Z, for the normalised scale of appendix K.3; 1 for raw).</param>
    /// <param name="title">The plot title (its lines: what was fitted, then <see cref="Source"/>).</param>
    /// <param name="split">Optional ground truth from baseline models, drawn as A_gen and A_non markers.</param>
    /// <returns>The plot.</returns>
    public static Plot Build(DecompositionResult result, double scale, string title, GeneralizabilitySplit? split = null)
    {
        var n = result.Data.VariableCount;
        var orders = Enumerable.Range(1, n).Select(m => (double)m).ToArray();
        double[] Scaled(double[] values) => values.Select(v => v / scale).ToArray();

        var plot = new Plot();
        var positive = plot.Add.Bars(orders, Scaled(result.Data.Positive));
        positive.Color = Color.FromHex("#9ecae1");
        positive.LegendText = "A(m),+ (data)";
        var negative = plot.Add.Bars(orders, Scaled(result.Data.Negative));
        negative.Color = Color.FromHex("#fdae6b");
        negative.LegendText = "A(m),- (data)";
        foreach (var bar in positive.Bars.Concat(negative.Bars))
        {
            bar.Size = 0.7;
            bar.LineWidth = 0;
        }

        AddCurve(plot, orders, Scaled(result.Decay.Positive), "#08519c", dashed: false, "decay (generalizable)");
        AddCurve(plot, orders, Scaled(result.Decay.Negative), "#08519c", dashed: false, null);
        AddCurve(plot, orders, Scaled(result.Spindle.Positive), "#d94801", dashed: false, "spindle (non-generalizable)");
        AddCurve(plot, orders, Scaled(result.Spindle.Negative), "#d94801", dashed: false, null);
        var theoryPositive = result.Decay.Positive.Zip(result.Spindle.Positive, (a, b) => a + b).ToArray();
        var theoryNegative = result.Decay.Negative.Zip(result.Spindle.Negative, (a, b) => a + b).ToArray();
        AddCurve(plot, orders, Scaled(theoryPositive), "#404040", dashed: true, "decay + spindle");
        AddCurve(plot, orders, Scaled(theoryNegative), "#404040", dashed: true, null);
        if (split is not null)
        {
            AddMarkers(plot, orders, Scaled(split.Generalizable.Positive), "#08519c", MarkerShape.FilledCircle, "A_gen (baselines)");
            AddMarkers(plot, orders, Scaled(split.Generalizable.Negative), "#08519c", MarkerShape.FilledCircle, null);
            AddMarkers(plot, orders, Scaled(split.NonGeneralizable.Positive), "#d94801", MarkerShape.OpenCircle, "A_non (baselines)");
            AddMarkers(plot, orders, Scaled(split.NonGeneralizable.Negative), "#d94801", MarkerShape.OpenCircle, null);
        }

        var zero = plot.Add.HorizontalLine(0);
        zero.Color = Colors.Black;
        zero.LineWidth = 1;
        plot.Title(title);
        plot.XLabel("order m\n" + Caption(scale), size: 14);
        plot.YLabel(StrengthLabel(scale));
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            orders, orders.Select(o => o.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.SetLimitsX(0.3, n + 0.7);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    private static void AddCurve(Plot plot, double[] xs, double[] ys, string color, bool dashed, string? legend)
    {
        var line = plot.Add.Scatter(xs, ys);
        line.Color = Color.FromHex(color);
        line.LineWidth = 2.5f;
        line.LinePattern = dashed ? LinePattern.Dashed : LinePattern.Solid;
        line.MarkerSize = dashed ? 0 : 6;
        if (legend is not null)
        {
            line.LegendText = legend;
        }
    }

    private static void AddMarkers(Plot plot, double[] xs, double[] ys, string color, MarkerShape shape, string? legend)
    {
        var markers = plot.Add.Markers(xs, ys);
        markers.Color = Color.FromHex(color);
        markers.MarkerShape = shape;
        markers.MarkerSize = 9;
        if (legend is not null)
        {
            markers.LegendText = legend;
        }
    }
}
