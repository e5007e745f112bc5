using System.Globalization;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Decomposition;
using Spindle.Monitor.Interactions;

namespace Spindle.Monitor.Tests.Decomposition;

/// <summary>
/// Compares candidate defaults of the whole check (δ floor through <see cref="DecompositionFitOptions.MiddleOrderRetention"/>,
/// α floor) on the generator functions, through <see cref="InteractionCheck.Analyze(InteractionExtraction, InteractionCheckOptions?, CheckProvenance?)"/>
/// exactly as the default check runs: every clean mix at σ = 0 and the noise ladder (mix 6/4/2, σ = 0.05, 0.1, 0.2).
/// Run with <c>SWEEP_VARIANTS=0.1/0.9,0.2/0.9 SWEEP_SEEDS=1,2,3 dotnet test tests/Monitor.Tests --filter FitDefaultsSweep</c>
/// (each variant is retention/α floor).
/// </summary>
[TestFixture]
[Explicit("Selection sweep for the fit defaults; prints tables, asserts nothing.")]
internal sealed class FitDefaultsSweep
{
    private static readonly SyntheticFunctions.OrderMix[] Mixes = [new(6, 4, 2), new(8, 3, 1), new(4, 4, 4), new(5, 5, 2)];
    private static readonly double[] Ladder = [0, 0.05, 0.1, 0.2];

    [Test]
    public void Print()
    {
        var seeds = (Environment.GetEnvironmentVariable("SWEEP_SEEDS") ?? "1,2,3").Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var variants = (Environment.GetEnvironmentVariable("SWEEP_VARIANTS") ?? "0.1/0.9").Split(',').Select(v =>
        {
            var parts = v.Split('/');
            return (Name: v, Retention: double.Parse(parts[0], CultureInfo.InvariantCulture), MinAlpha: double.Parse(parts[1], CultureInfo.InvariantCulture), DecayOnly: parts.Length > 2 && parts[2] == "decayonly");
        }).ToArray();
        var output = TestContext.Out;
        var cache = new Dictionary<(int Seed, int N, SyntheticFunctions.OrderMix Mix, double Sigma), InteractionExtraction>();
        InteractionExtraction Extract(int seed, int n, SyntheticFunctions.OrderMix mix, double sigma)
        {
            if (!cache.TryGetValue((seed, n, mix, sigma), out var x))
            {
                x = InteractionAnalyzer.Analyze(SyntheticFunctions.Outputs(seed, n, 16, mix, sigma));
                cache[(seed, n, mix, sigma)] = x;
            }

            return x;
        }

        foreach (var variant in variants)
        {
            var baseOptions = new InteractionCheckOptions { BootstrapReplicates = 0, Fit = new() { MiddleOrderRetention = variant.Retention, MinAlpha = variant.MinAlpha } };
            CheckResult Run(InteractionExtraction x) => InteractionCheck.Analyze(x, variant.DecayOnly ? DecayOnlyCalibrated(x, variant.Retention, variant.MinAlpha) : baseOptions);
            var worst = 0.0;
            foreach (var n in new[] { 8, 10 })
            {
                foreach (var mix in Mixes)
                {
                    var shares = seeds.Select(seed =>
                    {
                        var check = Run(Extract(seed, n, mix, 0));
                        return (check.Summary!.SpindleShare, check.Fit.Delta!.Value, check.Fit.Alpha);
                    }).ToArray();
                    worst = Math.Max(worst, shares.Max(s => s.SpindleShare));
                    output.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{variant.Name} | clean | n {n} | {mix} | shares {string.Join(" ", shares.Select(s => s.SpindleShare.ToString("F3", CultureInfo.InvariantCulture)))} | mean {shares.Average(s => s.SpindleShare):F3} max {shares.Max(s => s.SpindleShare):F3} | δ {string.Join(" ", shares.Select(s => s.Value.ToString("G3", CultureInfo.InvariantCulture)))} | α {string.Join(" ", shares.Select(s => s.Alpha.ToString("F2", CultureInfo.InvariantCulture)))}"));
                }
            }

            var ladderFailures = 0;
            var worstRatio = 1.0;
            var smallestStep = double.PositiveInfinity;
            foreach (var n in new[] { 8, 10 })
            {
                foreach (var seed in seeds)
                {
                    var checks = Ladder.Select(sigma => Run(Extract(seed, n, new(6, 4, 2), sigma)).Summary!).ToArray();
                    var growing = true;
                    for (var k = 1; k < checks.Length; k++)
                    {
                        growing &= checks[k].SpindleMass > checks[k - 1].SpindleMass;
                        smallestStep = Math.Min(smallestStep, checks[k].SpindleMass - checks[k - 1].SpindleMass);
                        var ratio = checks[k].DecayMass / checks[0].DecayMass;
                        worstRatio = Math.Max(worstRatio, Math.Max(ratio, 1 / ratio));
                    }

                    var within = checks.Skip(1).All(c => c.DecayMass >= checks[0].DecayMass / 2 && c.DecayMass <= checks[0].DecayMass * 2);
                    ladderFailures += growing && within ? 0 : 1;
                    output.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{variant.Name} | ladder | n {n} | seed {seed} | {string.Join(" | ", checks.Select(c => $"{c.SpindleMass:F2} / {c.DecayMass:F2}"))} | grows {growing} | decay within 2x {within}"));
                }
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{variant.Name} | SUMMARY | worst clean share {worst:F3} | ladder failures {ladderFailures} | smallest spindle step {smallestStep:F3} | worst decay ratio {worstRatio:F2}"));
        }
        }

    /// <summary>δ calibrated by the decay term alone (β = 0) above the floor, then held for the joint fit.</summary>
    private static InteractionCheckOptions DecayOnlyCalibrated(InteractionExtraction x, double retention, double minAlpha)
    {
        var and = x.Samples.Select(s => s.And).ToList();
        var or = x.Samples.Select(s => s.Or).ToList();
        var data = InteractionDistributions.Compute(and, or, x.Tau);
        var model = new DecayModel(and, or, x.Tau);
        var n = model.VariableCount;
        var low = Math.Log(DecompositionFitter.MinimumDelta(n, retention));
        var high = Math.Log(10);
        var positive = new double[n];
        var negative = new double[n];
        var best = (Residual: double.PositiveInfinity, Delta: Math.Exp(low));
        for (var j = 0; j <= 200; j++)
        {
            var delta = Math.Exp(low + ((high - low) * j / 200));
            model.EvaluateUnit(delta, positive, negative);
            double dd = 0, dy = 0, yy = 0;
            for (var m = 0; m < n; m++)
            {
                dd += (positive[m] * positive[m]) + (negative[m] * negative[m]);
                dy += (positive[m] * data.Positive[m]) + (negative[m] * data.Negative[m]);
                yy += (data.Positive[m] * data.Positive[m]) + (data.Negative[m] * data.Negative[m]);
            }

            var gamma = dd > 0 ? Math.Max(0, dy / dd) : 0;
            var residual = yy - (2 * gamma * dy) + (gamma * gamma * dd);
            if (residual < best.Residual)
            {
                best = (residual, delta);
            }
        }

        return new InteractionCheckOptions { BootstrapReplicates = 0, Fit = new() { MinDelta = best.Delta, MaxDelta = best.Delta, MinAlpha = minAlpha } };
    }
}
