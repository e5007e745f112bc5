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
        plot.XLabel("order m");
        plot.YLabel(scale == 1 ? "interaction strength" : "interaction strength / Z");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            orders, orders.Select(o => o.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.SetLimitsX(0.3, n + 0.7);
        plot.ShowLegend(Alignment.UpperRight);

        var bytes = plot.GetImageBytes(900, 560, ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, bytes);
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
