using Spindle.Monitor.Decomposition;

namespace Spindle.Monitor.Tests.Decomposition;

public class DecayOperatorTests
{
    [Test]
    public void Apply_RandomVector_MatchesDenseFormula(
        [Values(1, 2, 3, 5, 8)] int n,
        [Values(1e-4, 1e-2, 0.1, 1.0, 10.0)] double delta)
    {
        var random = new Random(1000 + (n * 31) + (int)(delta * 1000));
        var x = Enumerable.Range(0, 1 << n).Select(_ => (2 * random.NextDouble()) - 1).ToArray();
        var expected = DenseDecay.Apply(x, delta);
        var actual = new double[x.Length];
        new DecayOperator(n).Apply(x, actual, delta);

        // The dense system has condition number below 1e5 for these δ and n ≤ 8, so the dense solve
        // is accurate to ~1e-11 in double precision; 1e-10 absolute on entries of order 1 is the brief's bound.
        Assert.That(actual, Is.EqualTo(expected).AsCollection.Within(1e-10));
    }

    [Test]
    public void Apply_ZeroDelta_IsIdentity()
    {
        var random = new Random(7);
        var x = Enumerable.Range(0, 1 << 6).Select(_ => random.NextDouble()).ToArray();
        var actual = new double[x.Length];
        new DecayOperator(6).Apply(x, actual, 0);

        // M(0) = (JᵀJ)⁻¹ JᵀJ = I; the butterflies round at ~1e-15 per pass times the eigenvalue ratio (~1e4 at n = 6).
        Assert.That(actual, Is.EqualTo(x).AsCollection.Within(1e-10));
    }

    [Test]
    public void Eigenvalues_GeneralisedProblem_AreClosedForm()
    {
        var op = new DecayOperator(3);
        using (Assert.EnterMultipleScope())
        {
            // det([[2, 1], [1, 1]] - λ diag(1, 2)) = 2λ² - 5λ + 1 = 0; closed form, double precision.
            Assert.That(op.LowEigenvalue, Is.EqualTo((5 - Math.Sqrt(17)) / 4).Within(1e-14));
            Assert.That(op.HighEigenvalue, Is.EqualTo((5 + Math.Sqrt(17)) / 4).Within(1e-14));
        }
    }

    [Test]
    public void Retention_HigherOrder_ShrinksMore()
    {
        var op = new DecayOperator(10);
        var retention = Enumerable.Range(1, 10).Select(m => op.Retention(m, 0.01)).ToArray();
        Assert.That(retention, Is.Ordered.Descending);
    }

    [Test]
    public void DeltaForRetention_Result_KeepsRequestedFraction()
    {
        var op = new DecayOperator(10);
        var delta = op.DeltaForRetention(5, 0.1);

        // Bisection to 1e-9 in ln δ; the retention's slope in ln δ is below 1, so it is met to ~1e-9.
        Assert.That(op.Retention(5, delta), Is.EqualTo(0.1).Within(1e-8));
    }
}
