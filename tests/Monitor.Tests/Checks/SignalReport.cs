using System.Globalization;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Decomposition;
using Spindle.Monitor.Interactions;
using Spindle.Monitor.Tests.Decomposition;

namespace Spindle.Monitor.Tests.Checks;

/// <summary>
/// Prints the before/after tables of docs/decomposition.md: clean functions and the noise ladder on the
/// held-out generator seeds, and the per-epoch series of the recorded CNN run. Run with
/// <c>dotnet test tests/Monitor.Tests -c Release --filter SignalReport --logger "console;verbosity=detailed"</c>.
/// </summary>
[TestFixture]
[Explicit("Prints the report tables of docs/decomposition.md; asserts nothing.")]
internal sealed class SignalReport
{
    private static readonly (string Name, InteractionCheckOptions Options)[] Fits =
    [
        ("first (M(δ), δ free above the floor, retention 0.1, α ≥ 0.05)", new() { HoldDelta = false, Fit = new() { MiddleOrderRetention = 0.1, MinAlpha = 0.05 }, BootstrapReplicates = 0 }),
        ("previous (M(δ), δ held, retention 0.1, α ≥ 0.9)", new() { Fit = new() { MiddleOrderRetention = 0.1, MinAlpha = 0.9 }, BootstrapReplicates = 0 }),
        ("default (M(δ), δ held, retention 0.14, α ≥ 0.95)", new() { BootstrapReplicates = 0 }),
        ("monotone decay, α ≥ 0.9", new() { DecayShape = DecayShape.Monotone, Fit = new() { MinAlpha = 0.9 }, BootstrapReplicates = 0 }),
    ];

    /// <summary>Gets the generator seeds of the clean-function table: 21-26 unless REPORT_SEEDS lists others (comma-separated).</summary>
    private static int[] Seeds => Environment.GetEnvironmentVariable("REPORT_SEEDS") is { } seeds
        ? seeds.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray()
        : [.. Enumerable.Range(21, 6)];

    private static string F(double value, string format = "F2") => value.ToString(format, CultureInfo.InvariantCulture);

    [Test]
    public void CleanFunctions()
    {
        var output = TestContext.Out;
        output.WriteLine($"seeds {string.Join(",", Seeds)}");
        output.WriteLine("| n | mix (orders 1/2/3) | " + string.Join(" | ", Fits.Select(f => f.Name + ": mean / max share / seeds > 0.15")) + " |");
        output.WriteLine("|---|---|" + string.Concat(Fits.Select(_ => "---|")));
        foreach (var n in new[] { 8, 10 })
        {
            foreach (var mix in new SyntheticFunctions.OrderMix[] { new(6, 4, 2), new(8, 3, 1), new(4, 4, 4), new(5, 5, 2) })
            {
                var extractions = Seeds.Select(seed => InteractionAnalyzer.Analyze(SyntheticFunctions.Outputs(seed, n, 16, mix, 0))).ToArray();
                var cells = Fits.Select(f =>
                {
                    var shares = extractions.Select(x => InteractionCheck.Analyze(x, f.Options).Summary!.SpindleShare).ToArray();
                    return $"{F(shares.Average())} / {F(shares.Max(), "F3")} / {shares.Count(v => v > 0.15)}";
                });
                output.WriteLine($"| {n} | {mix} | " + string.Join(" | ", cells) + " |");
            }
        }
    }

    [Test]
    public void NoiseLadder()
    {
        var output = TestContext.Out;
        var sigmas = new[] { 0, 0.05, 0.1, 0.2, 0.4 };
        output.WriteLine("| n | seed | fit | " + string.Join(" | ", sigmas.Select(s => $"σ = {s}: spindle / decay")) + " |");
        output.WriteLine("|---|---|---|" + string.Concat(sigmas.Select(_ => "---|")));
        foreach (var (n, seed) in new[] { (10, 21), (10, 22), (10, 23), (8, 24), (8, 25), (8, 26) })
        {
            var extractions = sigmas.Select(sigma => InteractionAnalyzer.Analyze(SyntheticFunctions.Outputs(seed, n, 16, new(6, 4, 2), sigma))).ToArray();
            foreach (var (name, options) in Fits.Take(3))
            {
                var cells = extractions.Select(x => InteractionCheck.Analyze(x, options).Summary!).Select(s => $"{F(s.SpindleMass)} / {F(s.DecayMass)}");
                output.WriteLine($"| {n} | {seed} | {name} | " + string.Join(" | ", cells) + " |");
            }
        }
    }

    [Test]
    public void RecordedRun()
    {
        var folder = Path.Combine(TestContext.CurrentContext.TestDirectory, "Data", "Series", "cnn-3000-noise10-seed0");
        var series = RealSeries.Load(folder, "input");
        var after = series.Analyze(new InteractionCheckOptions());
        var before = series.Analyze(Fits[0].Options);
        var previous = series.Analyze(Fits[1].Options);
        var output = TestContext.Out;
        output.WriteLine("| epoch | train loss | test loss | test acc | first: spindle / decay / δ / warnings | previous: spindle / decay | default: spindle [90%] | decay [90%] | cancellation [90%] | share | warnings |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        for (var i = 0; i < after.Count; i++)
        {
            var e = series.Epochs[i + 1];
            var a = after[i];
            var b = before[i];
            string Cell(CheckMetric metric)
            {
                var interval = a.Uncertainty!.Interval(metric)!;
                return $"{F(a.Value(metric)!.Value)} [{F(interval.Lower)}, {F(interval.Upper)}]";
            }

            output.WriteLine(
                $"| {e.Epoch} | {F(e.TrainLoss, "F3")} | {F(e.TestLoss, "F3")} | {F(e.TestAccuracy, "F3")} | {F(b.Summary!.SpindleMass)} / {F(b.Summary.DecayMass)} / {F(b.Fit.Delta!.Value, "G2")} / {Warnings(b.Warnings)} | {F(previous[i].Summary!.SpindleMass)} / {F(previous[i].Summary!.DecayMass)} | "
                + $"{Cell(CheckMetric.SpindleMass)} | {Cell(CheckMetric.DecayMass)} | {Cell(CheckMetric.CancellationMass)} | {F(a.Summary!.SpindleShare)} | {Warnings(a.Warnings)} |");
        }

        output.WriteLine($"default δ held at {F(after[0].Fit.Delta!.Value, "G3")} (calibrated at epoch 1)");
    }

    private static string Warnings(FitWarnings warnings) => warnings == FitWarnings.None ? "-" : warnings.ToString().Replace("AtLowerBound", "↓", StringComparison.Ordinal).Replace("AtUpperBound", "↑", StringComparison.Ordinal);
}
