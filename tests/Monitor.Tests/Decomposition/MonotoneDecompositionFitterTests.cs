using Spindle.Monitor.Decomposition;

namespace Spindle.Monitor.Tests.Decomposition;

internal sealed class MonotoneDecompositionFitterTests
{
    [TestCase(new[] { 3.0, 1, 2 }, new[] { 3.0, 1.5, 1.5 }, 0.5)]
    [TestCase(new[] { -1.0, 2 }, new[] { 0.5, 0.5 }, 4.5)]
    [TestCase(new[] { 1.0, -2 }, new[] { 1.0, 0 }, 4.0)]
    [TestCase(new[] { 4.0, 3, 2, 1 }, new[] { 4.0, 3, 2, 1 }, 0.0)]
    [TestCase(new[] { 1.0, 2, 3 }, new[] { 2.0, 2, 2 }, 2.0)]
    public void NonIncreasingNonNegative_HandComputedCases(double[] values, double[] expected, double distance)
    {
        var destination = new double[values.Length];
        var result = IsotonicRegression.NonIncreasingNonNegative(values, destination, new double[values.Length], new int[values.Length]);

        // Means of at most three small numbers: exact to round-off.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(destination, Is.EqualTo(expected).Within(1e-12));
            Assert.That(result, Is.EqualTo(distance).Within(1e-12));
        }
    }

    [Test]
    public void Fit_DecreasingData_NoSpindleAndExactDecay()
    {
        // Decreasing on both signs, with different shapes per sign: a decreasing function gets no spindle at all.
        var data = new OrderDistribution([2.0, 1.5, 0.7, 0.2, 0, 0, 0, 0], [-1.0, -0.9, -0.9, -0.1, -0.05, 0, 0, 0]);

        var fit = new MonotoneDecompositionFitter(8).Fit(data);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(fit.Beta, Is.Zero);
            Assert.That(fit.Decay.Positive, Is.EqualTo(data.Positive).Within(1e-12));
            Assert.That(fit.Decay.Negative, Is.EqualTo(data.Negative).Within(1e-12));
            Assert.That(fit.Delta, Is.Null);
            Assert.That(fit.Shape, Is.EqualTo(DecayShape.Monotone));
        }
    }

    [TestCase(1.0, 0.1)]
    [TestCase(0.95, 0.05)]
    public void Fit_LowOrderDecayPlusMiddleOrderSpindle_RecoversThePlantedSpindle(double alpha, double beta)
    {
        // The decay is zero from order 3 on, so no part of the hump can be decreasing: the minimal spindle is the planted one.
        var spindle = SpindleCurve.Evaluate(10, alpha, beta);
        double[] decay = [1.0, 0.5, 0, 0, 0, 0, 0, 0, 0, 0];
        var data = new OrderDistribution(decay.Zip(spindle, (d, s) => d + s).ToArray(), decay.Zip(spindle, (d, s) => -(0.8 * d) - s).ToArray());

        var fit = new MonotoneDecompositionFitter(10).Fit(data);

        // The fit takes the smallest β whose residual is within 1e-12 (relative) of the minimum, which moves β by
        // about √1e-12 relative; Brent on α stops near 1e-8. 1e-5 relative on the mass leaves margin.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(fit.SpindleMass, Is.EqualTo(2 * spindle.Sum()).Within(1e-5 * 2 * spindle.Sum()));
            Assert.That(fit.Alpha, Is.EqualTo(alpha).Within(1e-4));
            Assert.That(fit.RSquared, Is.EqualTo(1).Within(1e-9));
        }
    }

    [Test]
    public void Fit_AlphaFloorOne_FixesAlpha()
    {
        var data = new OrderDistribution([1.0, 2, 3, 2, 1], [-1.0, -2, -3, -2, -1]);

        var fit = new MonotoneDecompositionFitter(5, new DecompositionFitOptions { MinAlpha = 1 }).Fit(data);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(fit.Alpha, Is.EqualTo(1));
            Assert.That(fit.Beta, Is.GreaterThan(0));
            Assert.That(fit.Warnings.HasFlag(FitWarnings.AlphaAtUpperBound), Is.True);
        }
    }
}
