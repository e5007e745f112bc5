using System.Globalization;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Decomposition;

namespace Spindle.Monitor.Tests.Checks;

/// <summary>
/// Compares fit variants on recorded training runs (tools/SignalSeries output). Run with
/// <c>SPINDLE_SERIES=/path/to/series-out dotnet test tests/Monitor.Tests --filter RealSeriesSweep</c>.
/// </summary>
[TestFixture]
[Explicit("Comparison on recorded runs outside the repository; prints tables, asserts nothing.")]
internal sealed class RealSeriesSweep
{
    private static readonly (string Name, InteractionCheckOptions Options)[] Variants =
    [
        ("operator, free δ, retention 0.1, α ≥ 0.05 (first default)", new() { DecayShape = DecayShape.NoiseOperator, HoldDelta = false, Fit = new() { MiddleOrderRetention = 0.1, MinAlpha = 0.05 }, BootstrapReplicates = 0 }),
        ("operator, held δ, retention 0.1, α ≥ 0.9 (previous default)", new() { DecayShape = DecayShape.NoiseOperator, HoldDelta = true, Fit = new() { MiddleOrderRetention = 0.1, MinAlpha = 0.9 }, BootstrapReplicates = 0 }),
        ("operator, held δ, retention 0.14, α ≥ 0.95 (default)", new() { DecayShape = DecayShape.NoiseOperator, HoldDelta = true, BootstrapReplicates = 0 }),
        ("operator, held δ, retention 0.14, α ≥ 0.9", new() { DecayShape = DecayShape.NoiseOperator, HoldDelta = true, Fit = new() { MiddleOrderRetention = 0.14, MinAlpha = 0.9 }, BootstrapReplicates = 0 }),
        ("operator, held δ, retention 0.1, α ≥ 0.95", new() { DecayShape = DecayShape.NoiseOperator, HoldDelta = true, Fit = new() { MiddleOrderRetention = 0.1, MinAlpha = 0.95 }, BootstrapReplicates = 0 }),
        ("operator, held δ, retention 0.2, α ≥ 0.95", new() { DecayShape = DecayShape.NoiseOperator, HoldDelta = true, Fit = new() { MiddleOrderRetention = 0.2, MinAlpha = 0.95 }, BootstrapReplicates = 0 }),
        ("operator, held δ, retention 0.14, α ≥ 0.05", new() { DecayShape = DecayShape.NoiseOperator, HoldDelta = true, Fit = new() { MinAlpha = 0.05 }, BootstrapReplicates = 0 }),
        ("monotone, α ≥ 0.05", new() { DecayShape = DecayShape.Monotone, Fit = new() { MinAlpha = 0.05 }, BootstrapReplicates = 0 }),
        ("monotone, α ≥ 0.9", new() { DecayShape = DecayShape.Monotone, Fit = new() { MinAlpha = 0.9 }, BootstrapReplicates = 0 }),
    ];

    /// <summary>Prints, for the default check, the paired bootstrap change from the first check (epoch 1) to the last, against its standard error.</summary>
    private static void PrintSeparation(RealSeries series)
    {
        var options = new InteractionCheckOptions { BootstrapReplicates = 200 };
        var first = series.Extractions[1];
        var last = series.Extractions[^1];
        var checks = InteractionCheck.AnalyzeSeries([first, last], options);
        foreach (var metric in new[] { CheckMetric.SpindleMass, CheckMetric.CancellationMass })
        {
            var change = CheckComparison.Compare(checks[0], checks[1], metric);
            var single = checks[0].Uncertainty!.Interval(metric)!;
            TestContext.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{series.Name} | separation {metric} | epoch 1 {checks[0].Value(metric):F3} [{single.Lower:F3}, {single.Upper:F3}] → last {checks[1].Value(metric):F3} | paired change {change.Difference:F3} [{change.Interval.Lower:F3}, {change.Interval.Upper:F3}], z = {change.Difference / change.Interval.StandardError:F1} | single-check SE/value {single.StandardError / Math.Max(checks[0].Value(metric)!.Value, 1e-12):P0}, last {checks[1].Uncertainty!.Interval(metric)!.StandardError / checks[1].Value(metric)!.Value:P0} | check {checks[1].Timings.FitSeconds + checks[1].Timings.BootstrapSeconds:F2} s fit+bootstrap"));
        }
    }

    [Test]
    public void Print()
    {
        var root = Environment.GetEnvironmentVariable("SPINDLE_SERIES") ?? "/work/series-out";
        var output = TestContext.Out;
        output.WriteLine("run | variant | ρ(spindle, epoch) | ρ(spindle, test−train loss) | jitter | exchanges > 0.3 Z | min epoch | last5/min | share range | held δ | warnings");
        foreach (var folder in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            foreach (var kind in new[] { "input", "feature" })
            {
                if (!File.Exists(Path.Combine(folder, $"{kind}-e001.json.gz")))
                {
                    continue;
                }

                var series = RealSeries.Load(folder, kind);
                var epochs = series.Epochs.Select(e => (double)e.Epoch).ToArray();
                var gap = series.Epochs.Select(e => e.TestLoss - e.TrainLoss).ToArray();
                foreach (var (name, options) in Variants)
                {
                    // Epoch 0 (untrained) has tiny Z; the statistics start at epoch 1.
                    var checks = series.Analyze(options).ToArray();
                    var spindle = checks.Select(c => c.Summary?.SpindleMass ?? double.NaN).ToArray();
                    var decay = checks.Select(c => c.Summary?.DecayMass ?? double.NaN).ToArray();
                    var data = checks.Select(c => c.Summary?.DataMass ?? double.NaN).ToArray();
                    var minIndex = Array.IndexOf(spindle, spindle.Min());
                    var last5 = spindle[^5..].Average();
                    var warnings = checks.Select(c => c.Warnings).Where(w => w != FitWarnings.None).GroupBy(w => w).Select(g => $"{g.Key}×{g.Count()}");
                    output.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{series.Name} | {name} | {SeriesStatistics.Spearman(epochs[1..], spindle):F2} | {SeriesStatistics.Spearman(gap[1..], spindle):F2} | {SeriesStatistics.Jitter(spindle):F3} | {SeriesStatistics.Exchanges(spindle, decay, data, 0.3)} | {minIndex + 1} | {last5 / Math.Max(spindle.Min(), 1e-9):F1} | {checks.Min(c => c.Summary!.SpindleShare):F2}-{checks.Max(c => c.Summary!.SpindleShare):F2} | {checks[^1].Fit.Delta:G3} | {string.Join(" ", warnings)}"));
                }

                var cancellation = series.Analyze(new InteractionCheckOptions { BootstrapReplicates = 0 }).Select(c => c.CancellationMass!.Value).ToArray();
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{series.Name} | cancellation mass | {SeriesStatistics.Spearman(epochs[1..], cancellation):F2} | {SeriesStatistics.Spearman(gap[1..], cancellation):F2} | {SeriesStatistics.Jitter(cancellation):F3} | - | {Array.IndexOf(cancellation, cancellation.Min()) + 1} | {cancellation[^5..].Average() / cancellation.Min():F1} | - | -"));
                PrintSeparation(series);
            }
        }
    }
}
