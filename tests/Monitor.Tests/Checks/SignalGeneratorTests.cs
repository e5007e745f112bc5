using Spindle.Monitor.Checks;
using Spindle.Monitor.Interactions;
using Spindle.Monitor.Tests.Decomposition;

namespace Spindle.Monitor.Tests.Checks;

/// <summary>
/// The default check on functions with a known answer, through the real extraction path (2^n outputs
/// per sample, exact solver, Table 1's τ). The defaults were chosen on seeds 1-3 (and, for the δ floor and α
/// floor, seeds 4-10) with the mixes 6/4/2, 8/3/1, 4/4/4 and 5/5/2 (<see cref="FitSweep"/>, <see cref="FitDefaultsSweep"/>);
/// these tests use seeds 21-26, which the choice was not made on (docs/decomposition.md says which seeds were looked at when).
/// </summary>
internal sealed class SignalGeneratorTests
{
    private static readonly SyntheticFunctions.OrderMix[] Mixes = [new(6, 4, 2), new(8, 3, 1), new(4, 4, 4), new(5, 5, 2)];

    private static IEnumerable<TestCaseData> CleanCases()
    {
        foreach (var n in new[] { 8, 10 })
        {
            foreach (var mix in Mixes)
            {
                for (var seed = 21; seed <= 26; seed++)
                {
                    // The bound: a function with no non-generalizable part reports a spindle share of at most 0.15.
                    const double bound = 0.15;
                    yield return new TestCaseData(n, mix, seed, bound).SetName($"Analyze_CleanFunction_SpindleShareWithinBound(n={n}, mix={mix}, seed={seed}, bound={bound})");
                }
            }
        }
    }

    [TestCaseSource(nameof(CleanCases))]
    public void Analyze_CleanFunction_SpindleShareWithinBound(int n, SyntheticFunctions.OrderMix mix, int seed, double bound)
    {
        var check = Analyze(SyntheticFunctions.Outputs(seed, n, 16, mix, noiseSigma: 0));

        // A function with no non-generalizable part must report (almost) no spindle.
        Assert.That(check.Summary!.SpindleShare, Is.LessThanOrEqualTo(bound), $"spindle {check.Summary.SpindleMass:F3}, decay {check.Summary.DecayMass:F3}, α {check.Fit.Alpha:F2}");
    }

    [TestCase(10, 21)]
    [TestCase(10, 22)]
    [TestCase(10, 23)]
    [TestCase(8, 24)]
    [TestCase(8, 25)]
    [TestCase(8, 26)]
    public void Analyze_NoiseLadder_SpindleGrowsStrictlyAndDecayStaysWithinFactorTwo(int n, int seed)
    {
        // Appendix E: Gaussian noise on every interaction. σ = 0.02 is mostly below τ for these functions,
        // so the ladder starts at 0.05, where some noise is salient. It stops at 0.2: at σ = 0.4 (data mass
        // 30-50 times the clean one) the decay part is swamped (docs/decomposition.md).
        var mix = new SyntheticFunctions.OrderMix(6, 4, 2);
        var sigmas = new[] { 0, 0.05, 0.1, 0.2 };
        var checks = sigmas.Select(sigma => Analyze(SyntheticFunctions.Outputs(seed, n, 16, mix, sigma))).ToArray();
        var clean = checks[0].Summary!;

        using (Assert.EnterMultipleScope())
        {
            for (var k = 1; k < checks.Length; k++)
            {
                var summary = checks[k].Summary!;
                Assert.That(summary.SpindleMass, Is.GreaterThan(checks[k - 1].Summary!.SpindleMass), $"σ = {sigmas[k]}");
                Assert.That(summary.DecayMass, Is.InRange(clean.DecayMass / 2, clean.DecayMass * 2), $"σ = {sigmas[k]}: decay against clean {clean.DecayMass:F3}");
            }
        }
    }

    private static CheckResult Analyze(List<double[]> outputs) =>
        InteractionCheck.Analyze(InteractionAnalyzer.Analyze(outputs), new InteractionCheckOptions { BootstrapReplicates = 0 });
}
