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
    private readonly int _width;
    private readonly double[] _prepared;
    private readonly double[] _scratch;
    private readonly byte[] _orders;
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

        // All 2 · samples vectors are stored interleaved, row t holding entry t of every vector, so
        // that each butterfly of M(δ) runs over contiguous rows with SIMD.
        var size = 1 << n;
        _width = 2 * and.Count;
        _prepared = new double[size * _width];
        var vector = new double[size];
        for (var v = 0; v < _width; v++)
        {
            var source = (v % 2 == 0 ? and : or)[v / 2];
            source.CopyTo(vector, 0);
            vector[0] = 0;
            _operator.Prepare(vector, vector);
            for (var t = 0; t < size; t++)
            {
                _prepared[(t * _width) + v] = vector[t];
            }
        }

        _scratch = new double[_prepared.Length];
        _orders = new byte[size];
        for (var t = 0; t < size; t++)
        {
            _orders[t] = (byte)Interactions.SubsetTransforms.Order(t);
        }

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
        if (!(delta >= 0) || double.IsInfinity(delta))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta (the noise variance) must be finite and ≥ 0.");
        }

        if (positive.Length != VariableCount || negative.Length != VariableCount)
        {
            throw new ArgumentException($"Expected per-order spans of length n = {VariableCount}, got {positive.Length} and {negative.Length}.", nameof(positive));
        }

        var width = _width;
        var size = 1 << VariableCount;
        var eigenvalues = _operator.KroneckerEigenvalues;
        var shift = Math.ScaleB(delta, VariableCount);
        for (var t = 0; t < size; t++)
        {
            var factor = 1 / (eigenvalues[t] + shift);
            var row = t * width;
            for (var v = 0; v < width; v++)
            {
                _scratch[row + v] = _prepared[row + v] * factor;
            }
        }

        var (w00, w01, w10, w11) = _operator.Eigenvectors;
        for (var i = 0; i < VariableCount; i++)
        {
            var bit = 1 << i;
            for (var block = 0; block < size; block += bit << 1)
            {
                for (var t = block; t < block + bit; t++)
                {
                    Butterfly(_scratch.AsSpan(t * width, width), _scratch.AsSpan((t | bit) * width, width), w00, w01, w10, w11);
                }
            }
        }

        positive.Clear();
        negative.Clear();
        var tau = Tau;
        for (var t = 1; t < size; t++)
        {
            var row = t * width;
            for (var v = 0; v < width; v++)
            {
                InteractionDistributions.AddSalient(_scratch[row + v], _orders[t], tau, positive, negative, _weight);
            }
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

    private static void Butterfly(Span<double> low, Span<double> high, double a, double b, double c, double d)
    {
        // (x0, x1) -> (a x0 + b x1, c x0 + d x1) on every column.
        var v = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var count = System.Numerics.Vector<double>.Count;
            var lowVectors = System.Runtime.InteropServices.MemoryMarshal.Cast<double, System.Numerics.Vector<double>>(low);
            var highVectors = System.Runtime.InteropServices.MemoryMarshal.Cast<double, System.Numerics.Vector<double>>(high);
            for (var k = 0; k < lowVectors.Length; k++)
            {
                var x0 = lowVectors[k];
                var x1 = highVectors[k];
                lowVectors[k] = (x0 * a) + (x1 * b);
                highVectors[k] = (x0 * c) + (x1 * d);
            }

            v = lowVectors.Length * count;
        }

        for (; v < low.Length; v++)
        {
            var x0 = low[v];
            var x1 = high[v];
            low[v] = (a * x0) + (b * x1);
            high[v] = (c * x0) + (d * x1);
        }
    }
}
