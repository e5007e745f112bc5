using System.Numerics;
using Spindle.Monitor.Interactions;

namespace Spindle.Monitor.Tests.Interactions;

public class InteractionTransformsTests
{
    // The transforms add at most 2^n terms of size ~1 in float64: 1e-10 is far above rounding at n ≤ 8.
    private const double Tolerance = 1e-10;

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(6)]
    public void Decompose_RandomGammaDelta_MatchesPaperDefinitionTermByTerm(int n)
    {
        var rng = new Random(n);
        var size = 1 << n;
        var v = InteractionTestData.RandomOutputs(n, rng);
        var gamma = InteractionTestData.RandomOutputs(n, rng);
        var delta = InteractionTestData.RandomOutputs(n, rng);
        var and = new double[size];
        var or = new double[size];

        InteractionTransforms.Decompose(v, gamma, delta, and, or, n);

        double UAnd(int t) => t == 0 ? v[0] - delta[0] : (0.5 * (v[t] - delta[t])) + gamma[t];
        double UOr(int t) => t == 0 ? 0 : (0.5 * (v[t] - delta[t])) - gamma[t];
        using (Assert.EnterMultipleScope())
        {
            for (var s = 0; s < size; s++)
            {
                double expectedAnd = 0, expectedOr = 0;
                for (var t = 0; t < size; t++)
                {
                    if ((t & s) == t)
                    {
                        var sign = (BitOperations.PopCount((uint)(s ^ t)) & 1) == 0 ? 1 : -1;
                        expectedAnd += sign * UAnd(t);
                        expectedOr -= sign * UOr((size - 1) ^ t);
                    }
                }

                Assert.That(and[s], Is.EqualTo(expectedAnd).Within(Tolerance), $"I_AND({s})");

                // I_OR(∅) is never triggered; it is stored as 0 by convention.
                Assert.That(or[s], Is.EqualTo(s == 0 ? 0 : expectedOr).Within(Tolerance), $"I_OR({s})");
            }
        }
    }

    [TestCase(1)]
    [TestCase(4)]
    [TestCase(7)]
    public void DecomposeTranspose_RandomVectors_SatisfiesAdjointIdentity(int n)
    {
        // ⟨J (γ, δ), (a, o)⟩ = ⟨(γ, δ), Jᵀ (a, o)⟩ for the linear part J of Decompose (v = 0), γ_∅ = 0.
        var rng = new Random(10 + n);
        var size = 1 << n;
        var zero = new double[size];
        var gamma = InteractionTestData.RandomOutputs(n, rng);
        gamma[0] = 0;
        var delta = InteractionTestData.RandomOutputs(n, rng);
        var a = InteractionTestData.RandomOutputs(n, rng);
        var o = InteractionTestData.RandomOutputs(n, rng);
        var and = new double[size];
        var or = new double[size];
        var gammaGradient = new double[size];
        var deltaGradient = new double[size];

        InteractionTransforms.Decompose(zero, gamma, delta, and, or, n);
        InteractionTransforms.DecomposeTranspose(a, o, gammaGradient, deltaGradient, n);

        var left = Dot(and, a) + Dot(or, o);
        var right = Dot(gamma, gammaGradient) + Dot(delta, deltaGradient);
        Assert.That(left, Is.EqualTo(right).Within(1e-9 * Math.Max(1, Math.Abs(left))));
    }

    [TestCase(2)]
    [TestCase(5)]
    public void AndAndOrTranspose_RandomVectors_SatisfyAdjointIdentity(int n)
    {
        var rng = new Random(20 + n);
        var x = InteractionTestData.RandomOutputs(n, rng);
        var y = InteractionTestData.RandomOutputs(n, rng);
        using (Assert.EnterMultipleScope())
        {
            var ax = (double[])x.Clone();
            InteractionTransforms.AndFromUtility(ax, n);
            var aty = (double[])y.Clone();
            InteractionTransforms.AndTranspose(aty, n);
            Assert.That(Dot(ax, y), Is.EqualTo(Dot(x, aty)).Within(Tolerance * (1 << n)));

            var ox = (double[])x.Clone();
            InteractionTransforms.OrFromUtility(ox, n);
            var oty = (double[])y.Clone();
            InteractionTransforms.OrTranspose(oty, n);
            Assert.That(Dot(ox, y), Is.EqualTo(Dot(x, oty)).Within(Tolerance * (1 << n)));
        }
    }

    [Test]
    public void Decompose_BatchOfThreeSamples_EqualsEachSampleAlone()
    {
        const int n = 5;
        var rng = new Random(3);
        var size = 1 << n;
        var v = InteractionTestData.RandomOutputs(n + 2, rng)[..(3 * size)];
        var gamma = InteractionTestData.RandomOutputs(n + 2, rng)[..(3 * size)];
        var delta = InteractionTestData.RandomOutputs(n + 2, rng)[..(3 * size)];
        var and = new double[3 * size];
        var or = new double[3 * size];
        InteractionTransforms.Decompose(v, gamma, delta, and, or, n);

        using (Assert.EnterMultipleScope())
        {
            for (var k = 0; k < 3; k++)
            {
                var range = new Range(k * size, (k + 1) * size);
                var singleAnd = new double[size];
                var singleOr = new double[size];
                InteractionTransforms.Decompose(v[range], gamma[range], delta[range], singleAnd, singleOr, n);

                // Same operations in the same order: bitwise equal.
                Assert.That(and[range], Is.EqualTo(singleAnd).AsCollection);
                Assert.That(or[range], Is.EqualTo(singleOr).AsCollection);
            }
        }
    }

    [Test]
    public void Complement_Batch_ReversesEachBlock()
    {
        double[] values = [0, 1, 2, 3, 10, 11, 12, 13];
        SubsetTransforms.Complement(values, 2);
        Assert.That(values, Is.EqualTo(new double[] { 3, 2, 1, 0, 13, 12, 11, 10 }).AsCollection);
    }

    [Test]
    public void ApplyKronecker_BatchNotMultipleOfBlock_Throws()
    {
        var values = new double[6];
        Assert.That(() => SubsetTransforms.ApplyKronecker(values, 2, 1, 0, 0, 1), Throws.ArgumentException.With.Message.Contains("length 6"));
    }

    [TestCase(1)]
    [TestCase(6)]
    public void KroneckerSpdSolve_RandomRightHandSide_SolvesTheSystem(int n)
    {
        // (c I + G^{⊗n}) x = r with G = C = [[1, 1], [1, 2]] and c = 1, checked by applying the matrix back.
        var rng = new Random(30 + n);
        var r = InteractionTestData.RandomOutputs(n, rng);
        var x = (double[])r.Clone();
        new KroneckerSpdSolve(n, 1, 1, 2, 1).Solve(x);
        var back = (double[])x.Clone();
        SubsetTransforms.ApplyKronecker(back, n, 1, 1, 1, 2);
        using (Assert.EnterMultipleScope())
        {
            for (var i = 0; i < r.Length; i++)
            {
                // The condition number is at most 1 + 2.618^n (~320 at n = 6): residual 1e-9 is ample.
                Assert.That(back[i] + x[i], Is.EqualTo(r[i]).Within(1e-9));
            }
        }
    }

    [TestCase(1)]
    [TestCase(6)]
    public void KroneckerSpdSolve_SolveThenApply_EqualsSolveFollowedByTheTransform(int n)
    {
        var rng = new Random(50 + n);
        var r = InteractionTestData.RandomOutputs(n, rng);
        var fused = (double[])r.Clone();
        var solve = new KroneckerSpdSolve(n, 1, -1, 2, 4);
        solve.SolveThenApply(fused, 0, 1, 1, -1);
        var separate = (double[])r.Clone();
        solve.Solve(separate);
        SubsetTransforms.ApplyKronecker(separate, n, 0, 1, 1, -1);
        using (Assert.EnterMultipleScope())
        {
            for (var i = 0; i < r.Length; i++)
            {
                // Same arithmetic in a different order; values are O(1) at n ≤ 6: 1e-12 is far above rounding.
                Assert.That(fused[i], Is.EqualTo(separate[i]).Within(1e-12));
            }
        }
    }

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
