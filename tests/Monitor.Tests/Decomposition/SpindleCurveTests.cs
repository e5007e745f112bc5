using Spindle.Monitor.Decomposition;

namespace Spindle.Monitor.Tests.Decomposition;

public class SpindleCurveTests
{
    [TestCase(1)]
    [TestCase(8)]
    [TestCase(10)]
    [TestCase(16)]
    [TestCase(30)]
    public void Evaluate_AlphaOne_IsBetaTimesBinomials(int n)
    {
        const double beta = 0.37;
        var curve = SpindleCurve.Evaluate(n, 1, beta);
        for (var m = 1; m <= n; m++)
        {
            var binomial = 1.0;
            for (var j = 0; j < m; j++)
            {
                binomial = binomial * (n - j) / (j + 1);
            }

            // ln Γ (Lanczos) is accurate to ~2e-15 relative; exp of a difference of ln Γ values up to
            // ~75 (n = 30) amplifies that to ~1e-13 relative; the bound is 1e-12 relative (1e-10 percent).
            Assert.That(curve[m - 1], Is.EqualTo(beta * binomial).Within(1e-10).Percent, $"m = {m}");
        }
    }

    [Test]
    public void EvaluateUnit_RealAlpha_MatchesFallingFactorial()
    {
        const int n = 10;
        const double alpha = 0.63;
        var curve = new double[n];
        SpindleCurve.EvaluateUnit(n, alpha, curve);
        var x = alpha * n;
        for (var m = 1; m <= n; m++)
        {
            // C(x, m) = x (x - 1) ... (x - m + 1) / m! wherever x - m + 1 > 0.
            var expected = 1.0;
            for (var j = 0; j < m; j++)
            {
                expected = expected * (x - j) / (j + 1);
            }

            var check = x - m + 1 > 0 ? expected : 0;

            // Relative 1e-12 as above; absolute 1e-15 for the zeros.
            Assert.That(curve[m - 1], Is.EqualTo(check).Within((1e-12 * Math.Abs(check)) + 1e-15), $"m = {m}");
        }
    }

    [Test]
    public void EvaluateUnit_BeyondSupport_IsZeroAndContinuous()
    {
        const int n = 10;
        var curve = new double[n];

        // αn = 3.5: orders m ≥ 4.5 lie beyond the support; order 4 has αn - m + 1 = 0.5 > 0.
        SpindleCurve.EvaluateUnit(n, 0.35, curve);
        var nearEdge = new double[n];

        // αn = 3.0001: order 4 has αn - m + 1 = 1e-4, so its value is about 1e-4 · C-like factor (1/Γ(z) ≈ z).
        SpindleCurve.EvaluateUnit(n, 0.30001, nearEdge);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(curve[3], Is.GreaterThan(0));
            Assert.That(curve.Skip(4), Is.All.EqualTo(0));

            // Continuity at the edge: the value tends to zero as the support ends (here ~1e-4).
            Assert.That(nearEdge[3], Is.LessThan(1e-3).And.GreaterThan(0));
        }
    }

    [TestCase(0.0)]
    [TestCase(-0.1)]
    [TestCase(1.01)]
    [TestCase(double.NaN)]
    public void EvaluateUnit_AlphaOutOfRange_Throws(double alpha)
    {
        Assert.That(() => SpindleCurve.EvaluateUnit(10, alpha, new double[10]), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [TestCase(0.5, 0.57236494292470008)]
    [TestCase(1.0, 0.0)]
    [TestCase(2.0, 0.0)]
    [TestCase(0.1, 2.2527126517342059)]
    public void LogGamma_KnownValues_Match(double x, double expected)
    {
        // ln √π, ln 1, ln 1, ln Γ(0.1) = ln 9.5135076986687318; Lanczos g = 7 is good to ~2e-15 relative.
        Assert.That(SpecialFunctions.LogGamma(x), Is.EqualTo(expected).Within(1e-13));
    }

    [TestCase(10.0)]
    [TestCase(100.5)]
    [TestCase(0.3)]
    public void LogGamma_Recurrence_MatchesSumOfLogs(double x)
    {
        // ln Γ(x + k) = ln Γ(x) + Σ_{j<k} ln(x + j), checked over k = 50 steps from x.
        var sum = SpecialFunctions.LogGamma(x);
        for (var j = 0; j < 50; j++)
        {
            sum += Math.Log(x + j);
        }

        // Relative 1e-13: both sides carry ~1e-15 relative error per term over ~50 terms.
        Assert.That(SpecialFunctions.LogGamma(x + 50), Is.EqualTo(sum).Within(1e-13 * Math.Abs(sum)));
    }
}
