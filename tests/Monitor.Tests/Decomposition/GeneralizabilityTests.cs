using Spindle.Monitor.Decomposition;

namespace Spindle.Monitor.Tests.Decomposition;

public class GeneralizabilityTests
{
    // n = 2: masks 0 = ∅, 1 = {0}, 2 = {1}, 3 = {0, 1}. τ = 0.1 throughout.
    private const double Tau = 0.1;

    [Test]
    public void Flags_OneBaseline_MatchesHandComputed()
    {
        double[] target = [5, 0.5, -0.3, 0.05];
        double[] baseline = [5, 0.2, 0.4, 0.9];

        var flags = Generalizability.Flags(target, [baseline], Tau);

        // ∅: never. {0}: both salient, same sign. {1}: opposite signs. {0,1}: target not salient.
        Assert.That(flags, Is.EqualTo(Bools(false, true, false, false)).AsCollection);
    }

    [Test]
    public void Flags_ThreeBaselines_AnyOneSuffices()
    {
        double[] target = [0, 0.5, -0.3, 0.2];
        double[] first = [0, 0.05, 0.3, -0.2];   // {0} not salient, {1} opposite sign, {0,1} opposite sign
        double[] second = [0, -0.5, -0.11, 0.1];  // {0} opposite, {1} salient same sign, {0,1} not salient (|0.1| is not > τ)
        double[] third = [0, 0.2, 0, 0.0];       // {0} salient same sign

        var flags = Generalizability.Flags(target, [first, second, third], Tau);

        Assert.That(flags, Is.EqualTo(Bools(false, true, true, false)).AsCollection);
    }

    [Test]
    public void Split_OneBaseline_MatchesHandComputed()
    {
        // One sample. AND: {0} = 0.5 (shared), {1} = -0.3 (opposite in baseline), {0,1} = 0.8 (shared).
        // OR: {0} = -0.4 (shared), {1} = 0.6 (baseline not salient), {0,1} = -0.2 (shared).
        double[][] targetAnd = [[1, 0.5, -0.3, 0.8]];
        double[][] targetOr = [[0, -0.4, 0.6, -0.2]];
        double[][] baseAnd = [[1, 0.3, 0.3, 0.5]];
        double[][] baseOr = [[0, -0.2, 0.05, -0.7]];

        var split = Generalizability.Split(targetAnd, targetOr, [baseAnd], [baseOr], Tau);

        // Order 1: A+ = 0.5 + 0.6, A- = -0.3 - 0.4; gen+ = 0.5, gen- = -0.4; non+ = 0.6, non- = -0.3.
        // Order 2: A+ = 0.8, A- = -0.2; gen+ = 0.8, gen- = -0.2; non = 0. Sums of three terms: 1e-15.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(split.All.Positive, Is.EqualTo(Values(1.1, 0.8)).AsCollection.Within(1e-15));
            Assert.That(split.All.Negative, Is.EqualTo(Values(-0.7, -0.2)).AsCollection.Within(1e-15));
            Assert.That(split.Generalizable.Positive, Is.EqualTo(Values(0.5, 0.8)).AsCollection.Within(1e-15));
            Assert.That(split.Generalizable.Negative, Is.EqualTo(Values(-0.4, -0.2)).AsCollection.Within(1e-15));
            Assert.That(split.NonGeneralizable.Positive, Is.EqualTo(Values(0.6, 0.0)).AsCollection.Within(1e-15));
            Assert.That(split.NonGeneralizable.Negative, Is.EqualTo(Values(-0.3, 0.0)).AsCollection.Within(1e-15));
        }
    }

    [Test]
    public void Split_ThreeBaselinesTwoSamples_AveragesOverSamples()
    {
        // Sample 1 as in the one-baseline case but the opposite-sign AND {1} is shared by baseline 3.
        double[][] targetAnd = [[1, 0.5, -0.3, 0.8], [0, 0, 0, -1.0]];
        double[][] targetOr = [[0, -0.4, 0.6, -0.2], [0, 0.3, 0, 0]];
        IReadOnlyList<double[]>[] baseAnd =
        [
            [[1, 0.3, 0.3, 0.5], [0, 0, 0, 0.5]],
            [[0, 0, 0, 0], [0, 0, 0, 0]],
            [[0, 0, -0.2, 0], [0, 0, 0, -0.5]],
        ];
        IReadOnlyList<double[]>[] baseOr =
        [
            [[0, -0.2, 0.05, -0.7], [0, 0, 0, 0]],
            [[0, 0, 0.2, 0], [0, -0.3, 0, 0]],
            [[0, 0, 0, 0], [0, 0, 0, 0]],
        ];

        var split = Generalizability.Split(targetAnd, targetOr, baseAnd, baseOr, Tau);

        // Sample 1: everything is shared now (AND {1} by baseline 3, OR {1} by baseline 2):
        //   gen order 1: + 0.5 + 0.6 = 1.1, - -0.3 - 0.4 = -0.7; order 2: + 0.8, - -0.2.
        // Sample 2: AND {0,1} = -1.0 shared by baseline 3 (gen- order 2: -1.0); OR {0} = 0.3 opposite in baseline 2 (non+ order 1: 0.3).
        // Means over the two samples; exact to round-off 1e-15.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(split.Generalizable.Positive, Is.EqualTo(Values(0.55, 0.4)).AsCollection.Within(1e-15));
            Assert.That(split.Generalizable.Negative, Is.EqualTo(Values(-0.35, -0.6)).AsCollection.Within(1e-15));
            Assert.That(split.NonGeneralizable.Positive, Is.EqualTo(Values(0.15, 0.0)).AsCollection.Within(1e-15));
            Assert.That(split.NonGeneralizable.Negative, Is.EqualTo(Values(0.0, 0.0)).AsCollection.Within(1e-15));
        }
    }

    [Test]
    public void Split_MismatchedSampleCounts_Throws()
    {
        double[][] one = [[0, 1, 1, 1]];
        double[][] two = [[0, 1, 1, 1], [0, 1, 1, 1]];
        Assert.That(() => Generalizability.Split(one, one, [two], [two], Tau), Throws.ArgumentException.With.Message.Contains("Baseline 0"));
    }

    private static double[] Values(params double[] values) => values;

    private static bool[] Bools(params bool[] values) => values;
}
