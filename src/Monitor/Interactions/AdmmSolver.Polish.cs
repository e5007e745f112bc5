namespace Spindle.Monitor.Interactions;

/// <summary>The support-restricted least-squares polish of <see cref="AdmmSolver"/>.</summary>
internal sealed partial class AdmmSolver
{
    /// <summary>
    /// Refits the best point on its support: least squares of v - δ on the AND columns [S ⊆ T] and OR columns
    /// [S ∩ T ≠ ∅] of its salient interactions, then δ = clip(v - fit). The result is always feasible; it is
    /// exact when the support is right and the noise term is not needed, which ADMM's tail reaches only slowly.
    /// </summary>
    private bool Polish(double zeta)
    {
        // Support of the best point: AND from y, OR from B y + A δ - q (order ≥ 2; order 1 has the AND column).
        _bestY.CopyTo(_work, 0);
        ApplyB(_work);
        _bestDelta.CopyTo(_work2, 0);
        ApplyA(_work2);
        var largest = 0.0;
        for (var i = 1; i < _size; i++)
        {
            _work[i] += _work2[i] - _q[i];
            largest = Math.Max(largest, Math.Max(Math.Abs(_bestY[i]), Math.Abs(_work[i])));
        }

        _andSupport.Clear();
        _orSupport.Clear();
        _andSupport.Add(0);
        var threshold = SupportThreshold * largest;
        for (var i = 1; i < _size && _andSupport.Count + _orSupport.Count <= MaxPolishSupport; i++)
        {
            if (Math.Abs(_bestY[i]) > threshold)
            {
                _andSupport.Add(i);
            }

            if (Math.Abs(_work[i]) > threshold && SubsetTransforms.Order(i) >= 2)
            {
                _orSupport.Add(i);
            }
        }

        var andCount = _andSupport.Count;
        var k = andCount + _orSupport.Count;
        if (k > MaxPolishSupport)
        {
            return false;
        }

        // Normal equations. Right-hand sides: AND Σ_{T⊇S} r_T; OR Σ_{T∩S≠∅} r_T = Σ r - Σ_{T⊆N\S} r_T.
        var full = _size - 1;
        var total = 0.0;
        for (var i = 0; i < _size; i++)
        {
            _work[i] = _v[i] - _bestDelta[i];
            total += _work[i];
        }

        _work.CopyTo(_work2, 0);
        SubsetTransforms.ApplyKronecker(_work, _n, 1, 1, 0, 1);
        SubsetTransforms.ApplyKronecker(_work2, _n, 1, 0, 1, 1);
        var matrix = new double[k * k];
        var rhs = new double[k];
        for (var a = 0; a < k; a++)
        {
            var isAndA = a < andCount;
            var maskA = isAndA ? _andSupport[a] : _orSupport[a - andCount];
            rhs[a] = isAndA ? _work[maskA] : total - _work2[full ^ maskA];
            for (var b = 0; b <= a; b++)
            {
                var isAndB = b < andCount;
                var maskB = isAndB ? _andSupport[b] : _orSupport[b - andCount];
                var value = ColumnProduct(maskA, isAndA, maskB, isAndB);
                matrix[(a * k) + b] = value;
                matrix[(b * k) + a] = value;
            }
        }

        // A relative ridge of 1e-12 keeps the factorisation defined if two columns coincide.
        var ridge = 1e-12 * Math.ScaleB(1.0, _n);
        for (var a = 0; a < k; a++)
        {
            matrix[(a * k) + a] += ridge;
        }

        if (!Cholesky.Solve(matrix, rhs, k))
        {
            return false;
        }

        Array.Clear(_polishY);
        Array.Clear(_polishDelta);
        for (var a = 0; a < k; a++)
        {
            if (a < andCount)
            {
                _polishY[_andSupport[a]] = rhs[a];
            }
            else
            {
                _polishDelta[_orSupport[a - andCount]] = rhs[a];
            }
        }

        // δ = clip(v - Z y - G e) with (G e)(T) = Σ e - (SubsetSum e)(N \ T); _polishDelta holds e until here.
        var sumE = 0.0;
        for (var i = 0; i < _size; i++)
        {
            sumE += _polishDelta[i];
        }

        _polishY.CopyTo(_work, 0);
        SubsetTransforms.ApplyKronecker(_work, _n, 1, 0, 1, 1);
        _polishDelta.CopyTo(_work2, 0);
        SubsetTransforms.ApplyKronecker(_work2, _n, 1, 0, 1, 1);
        for (var i = 0; i < _size; i++)
        {
            _polishDelta[i] = Math.Clamp(_v[i] - _work[i] - (sumE - _work2[full ^ i]), -zeta, zeta);
        }

        return true;
    }

    /// <summary>Σ_T c_A(T) c_B(T) for AND columns [S ⊆ T] and OR columns [S ∩ T ≠ ∅], in closed form.</summary>
    private double ColumnProduct(int maskA, bool isAndA, int maskB, bool isAndB)
    {
        var union = _n - SubsetTransforms.Order(maskA | maskB);
        if (isAndA && isAndB)
        {
            return Math.ScaleB(1.0, union);
        }

        if (!isAndA && !isAndB)
        {
            return Math.ScaleB(1.0, _n) - Math.ScaleB(1.0, _n - SubsetTransforms.Order(maskA)) - Math.ScaleB(1.0, _n - SubsetTransforms.Order(maskB)) + Math.ScaleB(1.0, union);
        }

        var (andMask, orMask) = isAndA ? (maskA, maskB) : (maskB, maskA);
        var supersets = Math.ScaleB(1.0, _n - SubsetTransforms.Order(andMask));
        return (andMask & orMask) == 0 ? supersets - Math.ScaleB(1.0, union) : supersets;
    }
}
