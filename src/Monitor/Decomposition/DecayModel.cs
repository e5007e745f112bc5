namespace Spindle.Monitor.Decomposition;

/// <summary>
/// The decay-shaped distribution of generalizable interactions (paper Eq. 9) as a function of δ,
/// for fixed reference interactions I*: A_decay^(m),±(δ, γ) = γ · (per-order positive/negative
/// sums of the salient entries of Î(δ) = M(δ) I*), AND and OR together, averaged over samples.
/// </summary>
/// <remarks>
/// <para>
/// The decay distribution is computed exactly like the data distribution A (Eq. 6) but from Î:
/// only entries with |Î_S| &gt; τ count, with the same τ as the data. Without the threshold the
/// thousands of small entries that M(δ) spreads over every subset would add up to a middle-order
/// mass that the thresholded data never contains. The threshold applies to Î before γ, so the curve
/// stays linear in γ (γ then solves in closed form).
/// </para>
/// <para>
/// The empty-set entry of I* (the bias v(x_∅) for AND, an entry that never enters an output for
/// OR) is set to zero before M(δ) is applied: it is not an interaction between variables, and
/// leaving it in would let the ridge refit of Theorem 3.1 leak the bias into low orders.
/// The same M(δ) is applied to the AND and the OR vectors, as Eq. 9 does.
/// </para>
/// <para>Instances precompute the δ-independent part of M(δ) I* once; they are not thread-safe.</para>
/// </remarks>
public sealed class DecayModel
{
    private readonly DecayOperator _operator;
    private readonly double[][] _prepared;
    private readonly double[] _scratch;
    private readonly double _weight;

    /// <summary>Initializes a new instance of the <see cref="DecayModel"/> class.</summary>
    /// <param name="and">Per-sample AND interactions I*, each of length 2^n.</param>
    /// <param name="or">Per-sample OR interactions I*, same shapes.</param>
    /// <param name="tau">Salience threshold τ ≥ 0, the one used for the data distribution.</param>
    /// <exception cref="ArgumentException">The shapes differ or are empty.</exception>
    public DecayModel(IReadOnlyList<double[]> and, IReadOnlyList<double[]> or, double tau)
    {
        var n = InteractionDistributions.CheckShapes(and, or);
        ArgumentOutOfRangeException.ThrowIfNegative(tau);
        Tau = tau;
        VariableCount = n;
        SampleCount = and.Count;
        _operator = new DecayOperator(n);
        _prepared = new double[2 * and.Count][];
        for (var i = 0; i < and.Count; i++)
        {
            _prepared[2 * i] = Prepare(and[i]);
            _prepared[(2 * i) + 1] = Prepare(or[i]);
        }

        _scratch = new double[1 << n];
        _weight = 1.0 / and.Count;
    }

    /// <summary>Gets n, the number of variables.</summary>
    public int VariableCount { get; }

    /// <summary>Gets the number of samples.</summary>
    public int SampleCount { get; }

    /// <summary>Gets τ, the salience threshold applied to Î(δ).</summary>
    public double Tau { get; }

    /// <summary>Writes the unit-γ decay curve for δ: per-order sums of the salient positive and negative entries of M(δ) I*.</summary>
    /// <param name="delta">δ ≥ 0, the noise variance.</param>
    /// <param name="positive">Receives A_decay^(m),+ / γ for m = 1..n.</param>
    /// <param name="negative">Receives A_decay^(m),- / γ for m = 1..n.</param>
    public void EvaluateUnit(double delta, Span<double> positive, Span<double> negative)
    {
        positive.Clear();
        negative.Clear();
        foreach (var prepared in _prepared)
        {
            _operator.Finish(prepared, _scratch, delta);
            InteractionDistributions.Accumulate(_scratch, Tau, positive, negative, _weight);
        }
    }

    /// <summary>Returns the decay distribution A_decay(δ, γ) (Eq. 9).</summary>
    /// <param name="delta">δ ≥ 0.</param>
    /// <param name="gamma">γ ≥ 0.</param>
    /// <returns>The distribution over orders 1..n.</returns>
    public OrderDistribution Evaluate(double delta, double gamma)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(gamma);
        var positive = new double[VariableCount];
        var negative = new double[VariableCount];
        EvaluateUnit(delta, positive, negative);
        for (var i = 0; i < VariableCount; i++)
        {
            positive[i] *= gamma;
            negative[i] *= gamma;
        }

        return new OrderDistribution(positive, negative);
    }

    private double[] Prepare(double[] interactions)
    {
        var copy = (double[])interactions.Clone();
        copy[0] = 0;
        var prepared = new double[copy.Length];
        _operator.Prepare(copy, prepared);
        return prepared;
    }
}
