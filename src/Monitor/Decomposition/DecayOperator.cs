using Spindle.Monitor.Interactions;

namespace Spindle.Monitor.Decomposition;

/// <summary>
/// The matrix M(δ) of Theorem 3.1 (paper Eq. 8, appendix I) applied in O(n 2^n) without forming it:
/// M(δ) = (JᵀJ + 2^n diag(c))⁻¹ JᵀJ with J[T, S] = [S ⊆ T] and c_S = 2^{|S|} δ.
/// </summary>
/// <remarks>
/// <para>
/// δ is the variance σ² of the noise injected into the features (appendix I writes c_S = 2^{|S|} σ²).
/// JᵀJ is the n-fold Kronecker power of A = [[2, 1], [1, 1]] and diag(2^{|S|}) that of
/// B = diag(1, 2). With W solving the 2x2 generalised eigenproblem A w = λ B w normalised so that
/// WᵀBW = I and WᵀAW = Λ, the Kronecker powers inherit both identities, hence
/// (⊗A + s ⊗B)⁻¹ = (⊗W)(⊗Λ + s I)⁻¹(⊗W)ᵀ with s = 2^n δ, and
/// M(δ) x = (⊗W)(⊗Λ + s I)⁻¹(⊗W)ᵀ(⊗A) x: three butterfly passes and a diagonal scaling.
/// </para>
/// <para>
/// The effect on an isolated interaction (<see cref="Retention"/>): at n = 10, δ = 1e-3 keeps
/// 0.86, 0.71, 0.50, 0.28 of an interaction of order 1, 2, 3, 4; δ = 0.1 keeps 0.36, 0.16, 0.06,
/// 0.02. Shrinkage grows quickly with order, and even order 1 is shrunk at large δ.
/// </para>
/// </remarks>
internal sealed class DecayOperator
{
    private readonly double _w00;
    private readonly double _w01;
    private readonly double _w10;
    private readonly double _w11;
    private readonly double[] _eigenvalues;

    /// <summary>Initializes a new instance of the <see cref="DecayOperator"/> class for n variables.</summary>
    /// <param name="variableCount">n, between 1 and <see cref="SubsetTransforms.MaxVariables"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">n is out of range.</exception>
    public DecayOperator(int variableCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(variableCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(variableCount, SubsetTransforms.MaxVariables);
        VariableCount = variableCount;

        // B^{-1/2} A B^{-1/2} = [[2, 1/√2], [1/√2, 1/2]] is symmetric: diagonalise it, then W = B^{-1/2} Q.
        const double p = 2.0;
        var q = 1 / Math.Sqrt(2);
        const double r = 0.5;
        var mean = (p + r) / 2;
        var radius = Math.Sqrt((((p - r) / 2) * ((p - r) / 2)) + (q * q));
        double[] lambda = [mean - radius, mean + radius];
        var columns = new double[2, 2];
        for (var k = 0; k < 2; k++)
        {
            var x = q;
            var y = lambda[k] - p;
            var norm = Math.Sqrt((x * x) + (y * y));
            columns[0, k] = x / norm;
            columns[1, k] = y / norm / Math.Sqrt(2);
        }

        _w00 = columns[0, 0];
        _w01 = columns[0, 1];
        _w10 = columns[1, 0];
        _w11 = columns[1, 1];
        LowEigenvalue = lambda[0];
        HighEigenvalue = lambda[1];

        _eigenvalues = new double[1 << variableCount];
        _eigenvalues[0] = 1;
        for (var i = 0; i < variableCount; i++)
        {
            var bit = 1 << i;
            for (var t = 0; t < bit; t++)
            {
                _eigenvalues[t | bit] = _eigenvalues[t] * lambda[1];
                _eigenvalues[t] *= lambda[0];
            }
        }
    }

    /// <summary>Gets n, the number of variables.</summary>
    public int VariableCount { get; }

    /// <summary>Gets the diagonal of ⊗Λ, indexed by subset bitmask.</summary>
    internal ReadOnlySpan<double> KroneckerEigenvalues => _eigenvalues;

    /// <summary>Gets the entries of W (columns are the generalised eigenvectors).</summary>
    internal (double W00, double W01, double W10, double W11) Eigenvectors => (_w00, _w01, _w10, _w11);

    /// <summary>Gets the smaller generalised eigenvalue of ([[2, 1], [1, 1]], diag(1, 2)), (5 - √17) / 4.</summary>
    public double LowEigenvalue { get; }

    /// <summary>Gets the larger generalised eigenvalue, (5 + √17) / 4.</summary>
    public double HighEigenvalue { get; }

    /// <summary>Computes M(δ) x.</summary>
    /// <param name="x">The interactions I*, length 2^n.</param>
    /// <param name="result">Receives Î(δ) = M(δ) I*, length 2^n; may be the same memory as <paramref name="x"/>.</param>
    /// <param name="delta">δ ≥ 0, the injected noise variance; δ = 0 gives the identity.</param>
    public void Apply(ReadOnlySpan<double> x, Span<double> result, double delta)
    {
        var prepared = new double[x.Length];
        Prepare(x, prepared);
        Finish(prepared, result, delta);
    }

    /// <summary>Computes the δ-independent part (⊗W)ᵀ(⊗A) x, to be finished for many δ by <see cref="Finish"/>.</summary>
    /// <param name="x">The interactions I*, length 2^n.</param>
    /// <param name="prepared">Receives (⊗W)ᵀ(⊗A) x, length 2^n.</param>
    /// <exception cref="ArgumentException">A length is not 2^n.</exception>
    public void Prepare(ReadOnlySpan<double> x, Span<double> prepared)
    {
        CheckLength(x.Length);
        CheckLength(prepared.Length);
        x.CopyTo(prepared);
        SubsetTransforms.ApplyKronecker(prepared, 2, 1, 1, 1);
        SubsetTransforms.ApplyKronecker(prepared, _w00, _w10, _w01, _w11);
    }

    /// <summary>Completes M(δ) x from the output of <see cref="Prepare"/>: (⊗W)(⊗Λ + 2^n δ)⁻¹ prepared.</summary>
    /// <param name="prepared">The output of <see cref="Prepare"/>.</param>
    /// <param name="result">Receives M(δ) x; may not overlap <paramref name="prepared"/> unless the caller no longer needs it.</param>
    /// <param name="delta">δ ≥ 0.</param>
    /// <exception cref="ArgumentException">A length is not 2^n.</exception>
    /// <exception cref="ArgumentOutOfRangeException">δ is negative or not finite.</exception>
    public void Finish(ReadOnlySpan<double> prepared, Span<double> result, double delta)
    {
        CheckLength(prepared.Length);
        CheckLength(result.Length);
        if (!(delta >= 0) || double.IsInfinity(delta))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta (the noise variance) must be finite and ≥ 0.");
        }

        var shift = Math.ScaleB(delta, VariableCount);
        for (var t = 0; t < result.Length; t++)
        {
            result[t] = prepared[t] / (_eigenvalues[t] + shift);
        }

        SubsetTransforms.ApplyKronecker(result, _w00, _w01, _w10, _w11);
    }

    /// <summary>Gets the fraction of an isolated interaction of order <paramref name="order"/> that M(δ) keeps: (M(δ) e_S)_S with |S| = order.</summary>
    /// <param name="order">The order, 0..n.</param>
    /// <param name="delta">δ ≥ 0.</param>
    /// <returns>The retained fraction, in (0, 1].</returns>
    public double Retention(int order, double delta)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(order);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(order, VariableCount);
        var mask = (1 << order) - 1;
        var x = new double[1 << VariableCount];
        x[mask] = 1;
        Apply(x, x, delta);
        return x[mask];
    }

    /// <summary>Finds the δ at which M(δ) keeps the fraction <paramref name="retention"/> of an isolated interaction of order <paramref name="order"/>.</summary>
    /// <param name="order">The order, 1..n.</param>
    /// <param name="retention">The retained fraction, in (0, 1).</param>
    /// <returns>δ, to a relative accuracy of 1e-9 (bisection on ln δ; the retention decreases with δ).</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public double DeltaForRetention(int order, double retention)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 1);
        if (!(retention > 0 && retention < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(retention), retention, "The retained fraction must lie in (0, 1).");
        }

        double low = Math.Log(1e-12), high = Math.Log(1e6);
        while (high - low > 1e-9)
        {
            var middle = 0.5 * (low + high);
            if (Retention(order, Math.Exp(middle)) > retention)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return Math.Exp(0.5 * (low + high));
    }

    private void CheckLength(int length)
    {
        if (length != 1 << VariableCount)
        {
            throw new ArgumentException($"Expected a vector of length 2^{VariableCount} = {1 << VariableCount}, got {length}.", nameof(length));
        }
    }
}
