namespace Spindle.Monitor.Decomposition;

/// <summary>
/// A distribution of interaction strength over orders m = 1..n: the positive part A^(m),+ ≥ 0 and
/// the negative part A^(m),- ≤ 0 (paper Eq. 6), as for the data, the decay or the spindle curves.
/// </summary>
public sealed class OrderDistribution
{
    /// <summary>Initializes a new instance of the <see cref="OrderDistribution"/> class.</summary>
    /// <param name="positive">A^(m),+ for m = 1..n (element m - 1), each ≥ 0.</param>
    /// <param name="negative">A^(m),- for m = 1..n (element m - 1), each ≤ 0.</param>
    /// <exception cref="ArgumentException">The arrays differ in length, are empty, hold non-finite values, or have the wrong signs.</exception>
    public OrderDistribution(double[] positive, double[] negative)
    {
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentNullException.ThrowIfNull(negative);
        if (positive.Length == 0 || positive.Length != negative.Length)
        {
            throw new ArgumentException($"Positive and negative parts must have the same non-zero length (one entry per order); got {positive.Length} and {negative.Length}.", nameof(negative));
        }

        for (var i = 0; i < positive.Length; i++)
        {
            if (!double.IsFinite(positive[i]) || positive[i] < 0)
            {
                throw new ArgumentException($"A^({i + 1}),+ must be finite and ≥ 0, got {positive[i]}.", nameof(positive));
            }

            if (!double.IsFinite(negative[i]) || negative[i] > 0)
            {
                throw new ArgumentException($"A^({i + 1}),- must be finite and ≤ 0, got {negative[i]}.", nameof(negative));
            }
        }

        Positive = positive;
        Negative = negative;
    }

    /// <summary>Gets n, the highest order.</summary>
    public int VariableCount => Positive.Length;

    /// <summary>Gets A^(m),+ for m = 1..n (element m - 1).</summary>
    public double[] Positive { get; }

    /// <summary>Gets A^(m),- for m = 1..n (element m - 1); values are ≤ 0.</summary>
    public double[] Negative { get; }

    /// <summary>Gets the total strength Σ_m A^(m),+ + |A^(m),-|.</summary>
    public double Mass
    {
        get
        {
            var sum = 0.0;
            for (var i = 0; i < Positive.Length; i++)
            {
                sum += Positive[i] - Negative[i];
            }

            return sum;
        }
    }

    /// <summary>Returns a copy with every value multiplied by <paramref name="factor"/>.</summary>
    /// <param name="factor">A factor ≥ 0.</param>
    /// <returns>The scaled distribution.</returns>
    public OrderDistribution Scale(double factor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(factor);
        return new OrderDistribution(Positive.Select(v => v * factor).ToArray(), Negative.Select(v => v * factor).ToArray());
    }

    /// <summary>Returns this distribution minus <paramref name="other"/>, order by order, with round-off clamped to the right sign.</summary>
    /// <param name="other">A distribution over the same orders, part of this one (as A_gen is of A).</param>
    /// <returns>The difference.</returns>
    /// <exception cref="ArgumentException">The orders differ.</exception>
    public OrderDistribution Subtract(OrderDistribution other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.VariableCount != VariableCount)
        {
            throw new ArgumentException($"Cannot subtract a distribution over {other.VariableCount} orders from one over {VariableCount}.", nameof(other));
        }

        var positive = new double[VariableCount];
        var negative = new double[VariableCount];
        for (var i = 0; i < VariableCount; i++)
        {
            positive[i] = Math.Max(0, Positive[i] - other.Positive[i]);
            negative[i] = Math.Min(0, Negative[i] - other.Negative[i]);
        }

        return new OrderDistribution(positive, negative);
    }
}
