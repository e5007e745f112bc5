using System.Numerics;
using System.Runtime.InteropServices;

namespace Spindle.Monitor.Interactions;

/// <summary>
/// Solves (c I + G^{⊗n}) x = r in O(n 2^n) for a symmetric positive definite 2x2 matrix G and c ≥ 0,
/// through the orthogonal eigenvectors of G: G^{⊗n} = Q^{⊗n} Λ^{⊗n} (Q^{⊗n})ᵀ.
/// </summary>
internal sealed class KroneckerSpdSolve
{
    private readonly int _n;
    private readonly double[] _inverseDiagonal;
    private readonly double _q00;
    private readonly double _q01;
    private readonly double _q10;
    private readonly double _q11;

    /// <summary>Initialises the solve for G = [[g00, g01], [g01, g11]] and shift c.</summary>
    public KroneckerSpdSolve(int variableCount, double g00, double g01, double g11, double shift)
    {
        _n = variableCount;
        var mean = 0.5 * (g00 + g11);
        var radius = Math.Sqrt((0.25 * (g00 - g11) * (g00 - g11)) + (g01 * g01));
        var lambda0 = mean + radius;
        var lambda1 = mean - radius;

        // Eigenvector of lambda0 is (g01, lambda0 - g00) (or a unit axis when G is diagonal); the other is orthogonal.
        double e0;
        double e1;
        if (g01 == 0)
        {
            (e0, e1) = g00 >= g11 ? (1.0, 0.0) : (0.0, 1.0);
        }
        else
        {
            var norm = Math.Sqrt((g01 * g01) + ((lambda0 - g00) * (lambda0 - g00)));
            e0 = g01 / norm;
            e1 = (lambda0 - g00) / norm;
        }

        // Columns of Q: (e0, e1) for lambda0 and (-e1, e0) for lambda1.
        _q00 = e0;
        _q10 = e1;
        _q01 = -e1;
        _q11 = e0;

        var size = 1 << variableCount;
        var byOrder = new double[variableCount + 1];
        for (var k = 0; k <= variableCount; k++)
        {
            byOrder[k] = 1.0 / (shift + (Math.Pow(lambda0, variableCount - k) * Math.Pow(lambda1, k)));
        }

        _inverseDiagonal = new double[size];
        for (var mask = 0; mask < size; mask++)
        {
            _inverseDiagonal[mask] = byOrder[SubsetTransforms.Order(mask)];
        }
    }

    /// <summary>Replaces r by (c I + G^{⊗n})^{-1} r.</summary>
    public void Solve(Span<double> values) => SolveThenApply(values, 1, 0, 0, 1);

    /// <summary>
    /// Replaces r by K^{⊗n} (c I + G^{⊗n})^{-1} r for K = [[a, b], [c, d]] (same convention as
    /// <see cref="SubsetTransforms.ApplyKronecker(Span{double}, int, double, double, double, double)"/>), in the
    /// butterflies of the solve alone: K^{⊗n} Q^{⊗n} = (K Q)^{⊗n}.
    /// </summary>
    public void SolveThenApply(Span<double> values, double a, double b, double c, double d)
    {
        // Qᵀ: rows are the eigenvectors.
        SubsetTransforms.ApplyKronecker(values, _n, _q00, _q10, _q01, _q11);
        var diagonal = _inverseDiagonal.AsSpan();
        var end = Vector.IsHardwareAccelerated ? values.Length - (values.Length % Vector<double>.Count) : 0;
        var vectorValues = MemoryMarshal.Cast<double, Vector<double>>(values[..end]);
        var vectorDiagonal = MemoryMarshal.Cast<double, Vector<double>>(diagonal[..end]);
        for (var i = 0; i < vectorValues.Length; i++)
        {
            vectorValues[i] *= vectorDiagonal[i];
        }

        for (var i = end; i < values.Length; i++)
        {
            values[i] *= diagonal[i];
        }

        SubsetTransforms.ApplyKronecker(values, _n, (a * _q00) + (b * _q10), (a * _q01) + (b * _q11), (c * _q00) + (d * _q10), (c * _q01) + (d * _q11));
    }
}
