using Spindle.Monitor.Decomposition;

namespace Spindle.Monitor.Tests.Decomposition;

public class InteractionDistributionsTests
{
    [Test]
    public void Compute_TwoSamples_AveragesSalientPartsPerOrder()
    {
        // n = 2, τ = 0.1. Sample 1 AND: ∅ 9 (ignored), {0} 0.5, {1} -0.05 (not salient), {0,1} -0.4; OR: {1} 0.2.
        // Sample 2 AND: {0} -0.3; OR: {0,1} 0.6.
        double[][] and = [[9, 0.5, -0.05, -0.4], [0, -0.3, 0, 0]];
        double[][] or = [[0, 0, 0.2, 0], [0, 0, 0, 0.6]];

        var distribution = InteractionDistributions.Compute(and, or, 0.1);

        // Order 1: + (0.5 + 0.2) / 2, - (-0.3) / 2; order 2: + 0.6 / 2, - (-0.4) / 2. Round-off only.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(distribution.Positive, Is.EqualTo(Values(0.35, 0.3)).AsCollection.Within(1e-15));
            Assert.That(distribution.Negative, Is.EqualTo(Values(-0.15, -0.2)).AsCollection.Within(1e-15));
            Assert.That(distribution.Mass, Is.EqualTo(1.0).Within(1e-15));
        }
    }

    [Test]
    public void NormalizationConstant_TwoSamples_IsMeanSalientFirstOrderStrength()
    {
        double[][] and = [[9, 0.5, -0.05, -0.4], [0, -0.3, 0, 0]];
        double[][] or = [[0, 0, 0.2, 0], [0, 0, 0, 0.6]];

        // Sample 1: |0.5| + |0.2| (0.05 not salient); sample 2: |-0.3|. Mean (0.7 + 0.3) / 2.
        Assert.That(InteractionDistributions.NormalizationConstant(and, or, 0.1), Is.EqualTo(0.5).Within(1e-15));
    }

    [Test]
    public void Compute_MismatchedLengths_ThrowsWithLengths()
    {
        double[][] and = [[0, 1, 1, 1]];
        double[][] or = [[0, 1]];
        Assert.That(() => InteractionDistributions.Compute(and, or, 0.1), Throws.ArgumentException.With.Message.Contains("OR length 2"));
    }

    [Test]
    public void Compute_NaNInteraction_ThrowsNamingSampleAndMask()
    {
        double[][] and = [[0, 1, 1, 1], [0, 1, double.NaN, 1]];
        double[][] or = [[0, 1, 1, 1], [0, 1, 1, 1]];
        Assert.That(() => InteractionDistributions.Compute(and, or, 0.1), Throws.ArgumentException.With.Message.Contains("Sample 1: the AND interaction of mask 2"));
    }

    [Test]
    public void OrderDistribution_WrongSign_Throws()
    {
        Assert.That(() => new OrderDistribution(Values(1, -0.1), Values(0, 0)), Throws.ArgumentException.With.Message.Contains("A^(2),+"));
    }

    private static double[] Values(params double[] values) => values;
}
