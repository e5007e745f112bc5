namespace Spindle.Monitor.Tests.Decomposition;

/// <summary>The dense formula of appendix I, M(δ) = (JᵀJ + 2^n diag(c))⁻¹ JᵀJ, for tests only.</summary>
internal static class DenseDecay
{
    /// <summary>Computes M(δ) x by forming JᵀJ and solving with Cholesky.</summary>
    public static double[] Apply(double[] x, double delta)
    {
        var size = x.Length;
        var n = System.Numerics.BitOperations.Log2((uint)size);

        // J[T, S] = [S ⊆ T]; (JᵀJ)[S, S'] = #{T : S ∪ S' ⊆ T}, formed here by the explicit sum over T.
        var jtj = new double[size, size];
        for (var t = 0; t < size; t++)
        {
            for (var s = 0; s < size; s++)
            {
                if ((s & ~t) != 0)
                {
                    continue;
                }

                for (var s2 = 0; s2 < size; s2++)
                {
                    if ((s2 & ~t) == 0)
                    {
                        jtj[s, s2] += 1;
                    }
                }
            }
        }

        var rhs = new double[size];
        var system = new double[size, size];
        for (var s = 0; s < size; s++)
        {
            for (var s2 = 0; s2 < size; s2++)
            {
                rhs[s] += jtj[s, s2] * x[s2];
                system[s, s2] = jtj[s, s2];
            }

            system[s, s] += Math.ScaleB(1.0, n) * Math.ScaleB(delta, System.Numerics.BitOperations.PopCount((uint)s));
        }

        return SolveCholesky(system, rhs);
    }

    private static double[] SolveCholesky(double[,] a, double[] b)
    {
        var size = b.Length;
        var l = new double[size, size];
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = a[i, j];
                for (var k = 0; k < j; k++)
                {
                    sum -= l[i, k] * l[j, k];
                }

                l[i, j] = i == j ? Math.Sqrt(sum) : sum / l[j, j];
            }
        }

        var y = new double[size];
        for (var i = 0; i < size; i++)
        {
            var sum = b[i];
            for (var k = 0; k < i; k++)
            {
                sum -= l[i, k] * y[k];
            }

            y[i] = sum / l[i, i];
        }

        var x = new double[size];
        for (var i = size - 1; i >= 0; i--)
        {
            var sum = y[i];
            for (var k = i + 1; k < size; k++)
            {
                sum -= l[k, i] * x[k];
            }

            x[i] = sum / l[i, i];
        }

        return x;
    }
}
