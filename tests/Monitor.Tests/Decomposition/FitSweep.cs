using System.Globalization;
using Spindle.Monitor.Decomposition;
using Spindle.Monitor.Interactions;

namespace Spindle.Monitor.Tests.Decomposition;

/// <summary>
/// The sweep that chose the default α floor of the fit: clean and noisy generator functions
/// (<see cref="SyntheticFunctions"/>, seeds 1-3, n = 8 and 10) fitted with the monotone decay at several
/// α floors; prints spindle share and masses. Run with
/// <c>SWEEP_MIN_ALPHA=0.8,0.9,1 dotnet test tests/Monitor.Tests --filter FitSweep</c>
/// (<c>SWEEP_SHAPE=operator</c> for the paper's M(δ) decay with δ fitted, <c>SWEEP_SEEDS=1,2,3</c> for the seeds).
/// </summary>
[TestFixture]
[Explicit("Selection sweep for the α floor; prints a table, asserts nothing.")]
internal sealed class FitSweep
{
    private static IEnumerable<int> Seeds =>
        (Environment.GetEnvironmentVariable("SWEEP_SEEDS") ?? "1,2,3").Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture));

    [Test]
    public void Print()
    {
        var floors = (Environment.GetEnvironmentVariable("SWEEP_MIN_ALPHA") ?? "0.8").Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var mixes = new[] { new SyntheticFunctions.OrderMix(6, 4, 2), new SyntheticFunctions.OrderMix(8, 3, 1), new SyntheticFunctions.OrderMix(4, 4, 4), new SyntheticFunctions.OrderMix(5, 5, 2) };
        TestContext.Out.WriteLine("n | mix | sigma | seed | data/Z | " + string.Join(" | ", floors.Select(f => $"floor {f}: spindle/Z decay/Z share")));
        foreach (var n in new[] { 8, 10 })
        {
            foreach (var mix in mixes)
            {
                foreach (var sigma in new[] { 0.0, 0.02, 0.05, 0.1, 0.2, 0.4 })
                {
                    foreach (var seed in Seeds)
                    {
                        var x = InteractionAnalyzer.Analyze(SyntheticFunctions.Outputs(seed, n, 16, mix, sigma));
                        var and = x.Samples.Select(s => s.And).ToList();
                        var or = x.Samples.Select(s => s.Or).ToList();
                        var data = InteractionDistributions.Compute(and, or, x.Tau);
                        var z = InteractionDistributions.NormalizationConstant(and, or, x.Tau);
                        var cells = floors.Select(f =>
                        {
                            var options = new DecompositionFitOptions { MinAlpha = f };
                            var fit = Environment.GetEnvironmentVariable("SWEEP_SHAPE") == "operator"
                                ? new DecompositionFitter(new DecayModel(and, or, x.Tau), options).Fit(data)
                                : new MonotoneDecompositionFitter(n, options).Fit(data);
                            var s = fit.Summarize(z);
                            return string.Create(CultureInfo.InvariantCulture, $"{s.SpindleMass:F2} {s.DecayMass:F2} {s.SpindleShare:F2}");
                        });
                        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n} | {mix} | {sigma:F2} | {seed} | {data.Mass / z:F2} | ") + string.Join(" | ", cells));
                    }
                }
            }
        }
    }
}
