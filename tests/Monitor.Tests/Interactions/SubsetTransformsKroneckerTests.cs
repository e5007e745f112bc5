using Spindle.Monitor.Interactions;

namespace Spindle.Monitor.Tests.Interactions;

public class SubsetTransformsKroneckerTests
{
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(5)]
    [TestCase(6)]
    [TestCase(7)]
    public void ApplyKronecker_AsymmetricFactorOnBatch_MatchesDenseKroneckerProduct(int n)
    {
        // An asymmetric factor with distinct entries, so that a swapped row, column or bit shows up.
        const double a = 0.7, b = -1.3, c = 2.1, d = 0.4;
        var size = 1 << n;
        var rng = new Random(40 + n);
        var values = new double[2 * size];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = rng.NextDouble() - 0.5;
        }

        var expected = new double[values.Length];
        for (var block = 0; block < 2; block++)
        {
            for (var row = 0; row < size; row++)
            {
                var sum = 0.0;
                for (var column = 0; column < size; column++)
                {
                    // Entry (row, column) of K^{⊗n}: the product over bits of K[row bit, column bit].
                    var entry = 1.0;
                    for (var bit = 0; bit < n; bit++)
                    {
                        var r = (row >> bit) & 1;
                        var s = (column >> bit) & 1;
                        entry *= r == 0 ? (s == 0 ? a : b) : (s == 0 ? c : d);
                    }

                    sum += entry * values[(block * size) + column];
                }

                expected[(block * size) + row] = sum;
            }
        }

        SubsetTransforms.ApplyKronecker(values, n, a, b, c, d);
        using (Assert.EnterMultipleScope())
        {
            for (var i = 0; i < values.Length; i++)
            {
                // Sums of 2^n ≤ 128 terms of size ≤ 2.1^7 · 0.5 ≈ 90, so |sum| ≤ 1.2e4: 1e-9 is over 1e4 ulps, and a
                // swapped entry or bit changes results by order 1.
                Assert.That(values[i], Is.EqualTo(expected[i]).Within(1e-9), $"index {i}");
            }
        }
    }
}
