using Spindle.Monitor.Interactions;

namespace Spindle.Monitor.Decomposition;

/// <summary>
/// Sums interactions per order into the distributions A^(m),+ and A^(m),- (paper Eq. 6) and
/// computes the normalising constant Z (appendix K.3).
/// </summary>
/// <remarks>
/// Interaction vectors have length 2^n and are indexed by subset bitmask. The empty set (index 0)
/// never enters a distribution: orders run over m = 1..n. An interaction is salient when |I| &gt; τ.
/// Over several samples the distributions are averaged (appendix K.2 averages the strength of each
/// order over samples), so they do not grow with the number of probe samples.
/// </remarks>
public static class InteractionDistributions
{
    /// <summary>Adds max(I, 0) and min(I, 0) of every salient entry of one interaction vector to the per-order sums.</summary>
    /// <param name="interactions">I (AND or OR) of one sample, length 2^n.</param>
    /// <param name="tau">Salience threshold τ ≥ 0.</param>
    /// <param name="positive">Per-order positive sums, length n (element m - 1), added to.</param>
    /// <param name="negative">Per-order negative sums, length n, added to.</param>
    /// <param name="weight">Factor applied to every added value.</param>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    public static void Accumulate(ReadOnlySpan<double> interactions, double tau, Span<double> positive, Span<double> negative, double weight = 1)
    {
        var n = SubsetTransforms.VariableCount(interactions.Length);
        if (positive.Length != n || negative.Length != n)
        {
            throw new ArgumentException($"Expected per-order spans of length n = {n}, got {positive.Length} and {negative.Length}.", nameof(positive));
        }

        for (var s = 1; s < interactions.Length; s++)
        {
            var value = interactions[s];
            if (value > tau)
            {
                positive[SubsetTransforms.Order(s) - 1] += weight * value;
            }
            else if (value < -tau)
            {
                negative[SubsetTransforms.Order(s) - 1] += weight * value;
            }
        }
    }

    /// <summary>Computes A^(m),+ and A^(m),- averaged over samples, AND and OR interactions together.</summary>
    /// <param name="and">Per-sample AND interaction vectors, each of length 2^n.</param>
    /// <param name="or">Per-sample OR interaction vectors, same count and length as <paramref name="and"/>.</param>
    /// <param name="tau">Salience threshold τ ≥ 0.</param>
    /// <returns>The distribution over orders 1..n.</returns>
    /// <exception cref="ArgumentException">The inputs are empty or their shapes differ.</exception>
    public static OrderDistribution Compute(IReadOnlyList<double[]> and, IReadOnlyList<double[]> or, double tau)
    {
        var n = CheckShapes(and, or);
        ArgumentOutOfRangeException.ThrowIfNegative(tau);
        var positive = new double[n];
        var negative = new double[n];
        var weight = 1.0 / and.Count;
        for (var i = 0; i < and.Count; i++)
        {
            Accumulate(and[i], tau, positive, negative, weight);
            Accumulate(or[i], tau, positive, negative, weight);
        }

        return new OrderDistribution(positive, negative);
    }

    /// <summary>
    /// Computes Z = E_x Σ_{|S| = 1, salient} (|I_AND(S)| + |I_OR(S)|), the mean over samples of the
    /// salient first-order strength (appendix K.3).
    /// </summary>
    /// <param name="and">Per-sample AND interaction vectors.</param>
    /// <param name="or">Per-sample OR interaction vectors.</param>
    /// <param name="tau">Salience threshold τ ≥ 0.</param>
    /// <returns>Z; zero when no first-order interaction is salient.</returns>
    public static double NormalizationConstant(IReadOnlyList<double[]> and, IReadOnlyList<double[]> or, double tau)
    {
        var n = CheckShapes(and, or);
        var sum = 0.0;
        for (var i = 0; i < and.Count; i++)
        {
            for (var v = 0; v < n; v++)
            {
                var a = Math.Abs(and[i][1 << v]);
                var o = Math.Abs(or[i][1 << v]);
                sum += (a > tau ? a : 0) + (o > tau ? o : 0);
            }
        }

        return sum / and.Count;
    }

    /// <summary>Checks that AND and OR vectors pair up, all of one length 2^n, and returns n.</summary>
    /// <param name="and">Per-sample AND vectors.</param>
    /// <param name="or">Per-sample OR vectors.</param>
    /// <returns>n.</returns>
    internal static int CheckShapes(IReadOnlyList<double[]> and, IReadOnlyList<double[]> or)
    {
        ArgumentNullException.ThrowIfNull(and);
        ArgumentNullException.ThrowIfNull(or);
        if (and.Count == 0 || and.Count != or.Count)
        {
            throw new ArgumentException($"Expected the same non-zero number of AND and OR vectors, got {and.Count} and {or.Count}.", nameof(or));
        }

        var length = and[0].Length;
        var n = SubsetTransforms.VariableCount(length);
        for (var i = 0; i < and.Count; i++)
        {
            if (and[i].Length != length || or[i].Length != length)
            {
                throw new ArgumentException($"Sample {i}: AND length {and[i].Length}, OR length {or[i].Length}; expected {length} (2^{n}) for every sample.", nameof(and));
            }

            CheckFinite(and[i], i, "AND");
            CheckFinite(or[i], i, "OR");
        }

        return n;
    }

    private static void CheckFinite(double[] values, int sample, string kind)
    {
        for (var s = 0; s < values.Length; s++)
        {
            if (!double.IsFinite(values[s]))
            {
                throw new ArgumentException($"Sample {sample}: the {kind} interaction of mask {s} is {values[s]}; interactions must be finite.", kind == "AND" ? "and" : "or");
            }
        }
    }
}
