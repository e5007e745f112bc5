namespace Spindle.Monitor.Decomposition;

/// <summary>
/// The spindle-shaped distribution of non-generalizable interactions (paper Eq. 7):
/// A_spindle^(m),+ = -A_spindle^(m),- = β Γ(αn + 1) / (Γ(m + 1) Γ(αn - m + 1)), a binomial
/// coefficient C(αn, m) continued to real αn.
/// </summary>
/// <remarks>
/// <para>
/// Computed through ln Γ, so it neither overflows nor loses precision for any n the transforms
/// accept. With α = 1 it is β C(n, m), the expectation derived in appendix E for Gaussian noise on
/// every interaction (up to the factor σ/√(2π) absorbed in β).
/// </para>
/// <para>
/// Support. For orders m ≥ αn + 1 the argument αn - m + 1 is zero or negative. The curve is set to
/// zero there: 1/Γ is entire and 1/Γ(0) = 0, so the value tends to zero as m approaches αn + 1 from
/// below and zero is the continuous extension; the analytic continuation past that point
/// alternates in sign between the poles of Γ, which cannot describe a strength A^(m),+ ≥ 0. The
/// support of the spindle is therefore the orders 1 ≤ m &lt; αn + 1: α scales the number of
/// variables that take part in non-generalizable interactions, and no interaction has more of them.
/// </para>
/// </remarks>
public static class SpindleCurve
{
    /// <summary>Writes the unit-β spindle curve C(αn, m) for the orders m = 1..n.</summary>
    /// <param name="variableCount">n, the number of input variables.</param>
    /// <param name="alpha">α in (0, 1].</param>
    /// <param name="destination">Span of length n; element m - 1 receives the value for order m.</param>
    /// <exception cref="ArgumentOutOfRangeException">n is below 1, α is outside (0, 1], or the span has the wrong length.</exception>
    public static void EvaluateUnit(int variableCount, double alpha, Span<double> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(variableCount, 1);
        if (!(alpha > 0 && alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The spindle's alpha must lie in (0, 1].");
        }

        if (destination.Length != variableCount)
        {
            throw new ArgumentOutOfRangeException(nameof(destination), destination.Length, $"Expected a span of length n = {variableCount}.");
        }

        var x = alpha * variableCount;
        var logNumerator = SpecialFunctions.LogGamma(x + 1);
        for (var m = 1; m <= variableCount; m++)
        {
            var rest = x - m + 1;
            destination[m - 1] = rest > 0
                ? Math.Exp(logNumerator - SpecialFunctions.LogGamma(m + 1) - SpecialFunctions.LogGamma(rest))
                : 0;
        }
    }

    /// <summary>Returns the spindle curve β C(αn, m) for the orders m = 1..n (the positive half; the negative half is its negation).</summary>
    /// <param name="variableCount">n, the number of input variables.</param>
    /// <param name="alpha">α in (0, 1].</param>
    /// <param name="beta">β ≥ 0, the scale.</param>
    /// <returns>An array of length n; element m - 1 holds A_spindle^(m),+.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static double[] Evaluate(int variableCount, double alpha, double beta)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(beta);
        var values = new double[variableCount];
        EvaluateUnit(variableCount, alpha, values);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] *= beta;
        }

        return values;
    }

    /// <summary>The uniform α grid of the fits' global search, [minAlpha, 1], with the unit spindle curve at each α.</summary>
    /// <param name="variableCount">n.</param>
    /// <param name="minAlpha">The smallest α, in (0, 1].</param>
    /// <param name="size">The number of grid points, at least 2.</param>
    /// <returns>The α values and, per α, the unit curve over orders 1..n.</returns>
    internal static (double[] Alphas, double[][] Units) UnitGrid(int variableCount, double minAlpha, int size)
    {
        var alphas = new double[size];
        var units = new double[size][];
        for (var k = 0; k < size; k++)
        {
            alphas[k] = minAlpha + ((1 - minAlpha) * k / (size - 1));
            units[k] = new double[variableCount];
            EvaluateUnit(variableCount, alphas[k], units[k]);
        }

        return (alphas, units);
    }
}
