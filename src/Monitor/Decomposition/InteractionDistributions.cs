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
            AddSalient(interactions[s], SubsetTransforms.Order(s), tau, positive, negative, weight);
        }
    }

    /// <summary>
    /// Eq. 6 for one value: adds <paramref name="weight"/> · I to A^(m),+ (element m - 1) when I &gt; τ, to A^(m),-
    /// when I &lt; -τ, and nothing otherwise. Every per-order sum in the library goes through here.
    /// </summary>
    /// <param name="value">The interaction I(S).</param>
    /// <param name="order">|S| ≥ 1.</param>
    /// <param name="tau">Salience threshold τ ≥ 0.</param>
    /// <param name="positive">Per-order positive sums, element m - 1.</param>
    /// <param name="negative">Per-order negative sums, element m - 1.</param>
    /// <param name="weight">Factor applied to the added value.</param>
    internal static void AddSalient(double value, int order, double tau, Span<double> positive, Span<double> negative, double weight)
    {
        if (value > tau)
        {
            positive[order - 1] += weight * value;
        }
        else if (value < -tau)
        {
            negative[order - 1] += weight * value;
        }
    }

    /// <summary>Computes A^(m),+ and A^(m),- of one sample, AND and OR interactions together.</summary>
    /// <param name="and">The sample's AND interactions, length 2^n.</param>
    /// <param name="or">The sample's OR interactions, same length.</param>
    /// <param name="tau">Salience threshold τ ≥ 0.</param>
    /// <returns>The distribution over orders 1..n.</returns>
    /// <exception cref="ArgumentException">The lengths differ or are not a power of two.</exception>
    public static OrderDistribution ForSample(ReadOnlySpan<double> and, ReadOnlySpan<double> or, double tau)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tau);
        var n = SubsetTransforms.VariableCount(and.Length);
        if (or.Length != and.Length)
        {
            throw new ArgumentException($"AND length {and.Length} and OR length {or.Length} differ.", nameof(or));
        }

        var positive = new double[n];
        var negative = new double[n];
        Accumulate(and, tau, positive, negative);
        Accumulate(or, tau, positive, negative);
        return new OrderDistribution(positive, negative);
    }

    /// <summary>Computes the salient first-order strength Σ_{|S| = 1, |I| &gt; τ} |I_AND(S)| + |I_OR(S)| of one sample (its term of Z).</summary>
    /// <param name="and">The sample's AND interactions, length 2^n.</param>
    /// <param name="or">The sample's OR interactions, same length.</param>
    /// <param name="tau">Salience threshold τ ≥ 0.</param>
    /// <returns>The strength; zero when no first-order interaction is salient.</returns>
    public static double FirstOrderStrength(ReadOnlySpan<double> and, ReadOnlySpan<double> or, double tau)
    {
        var n = SubsetTransforms.VariableCount(and.Length);
        var sum = 0.0;
        for (var v = 0; v < n; v++)
        {
            var a = Math.Abs(and[1 << v]);
            var o = Math.Abs(or[1 << v]);
            sum += (a > tau ? a : 0) + (o > tau ? o : 0);
        }

        return sum;
    }

    /// <summary>Averages per-sample distributions order by order.</summary>
    /// <param name="samples">Distributions over the same orders (at least one).</param>
    /// <returns>The mean distribution.</returns>
    /// <exception cref="ArgumentException">The list is empty or the orders differ.</exception>
    public static OrderDistribution Average(IReadOnlyList<OrderDistribution> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            throw new ArgumentException("At least one distribution is needed.", nameof(samples));
        }

        var n = samples[0].VariableCount;
        var positive = new double[n];
        var negative = new double[n];
        foreach (var sample in samples)
        {
            if (sample.VariableCount != n)
            {
                throw new ArgumentException($"Distributions over {sample.VariableCount} and {n} orders cannot be averaged.", nameof(samples));
            }

            for (var i = 0; i < n; i++)
            {
                positive[i] += sample.Positive[i] / samples.Count;
                negative[i] += sample.Negative[i] / samples.Count;
            }
        }

        return new OrderDistribution(positive, negative);
    }

    /// <summary>Computes A^(m),+ and A^(m),- averaged over samples, AND and OR interactions together.</summary>
    /// <param name="and">Per-sample AND interaction vectors, each of length 2^n.</param>
    /// <param name="or">Per-sample OR interaction vectors, same count and length as <paramref name="and"/>.</param>
    /// <param name="tau">Salience threshold τ ≥ 0.</param>
    /// <returns>The distribution over orders 1..n.</returns>
    /// <exception cref="ArgumentException">The inputs are empty or their shapes differ.</exception>
    public static OrderDistribution Compute(IReadOnlyList<double[]> and, IReadOnlyList<double[]> or, double tau)
    {
        CheckShapes(and, or);
        ArgumentOutOfRangeException.ThrowIfNegative(tau);
        return Average(and.Select((a, i) => ForSample(a, or[i], tau)).ToArray());
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
        CheckShapes(and, or);
        return and.Select((a, i) => FirstOrderStrength(a, or[i], tau)).Average();
    }

    /// <summary>Computes the cancellation mass 2 Σ_m min(A^(m),+, |A^(m),-|): the strength of positive and negative interactions of one order that cancel (Claim 2), without any fit.</summary>
    /// <param name="data">A distribution.</param>
    /// <returns>The cancellation mass, on the distribution's scale.</returns>
    public static double CancellationMass(OrderDistribution data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var sum = 0.0;
        for (var i = 0; i < data.VariableCount; i++)
        {
            sum += Math.Min(data.Positive[i], -data.Negative[i]);
        }

        return 2 * sum;
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
