namespace Spindle.Monitor.Decomposition;

/// <summary>Closed-form non-negative least squares in two variables: min ||y - γ d - β s||² over γ, β ≥ 0.</summary>
internal static class NonNegativeLeastSquares2
{
    /// <summary>Solves the problem from the Gram entries of the columns d, s and the target y.</summary>
    /// <param name="dd">d·d.</param>
    /// <param name="ss">s·s.</param>
    /// <param name="ds">d·s.</param>
    /// <param name="dy">d·y.</param>
    /// <param name="sy">s·y.</param>
    /// <param name="yy">y·y.</param>
    /// <returns>γ, β and the residual sum of squares.</returns>
    /// <remarks>
    /// The problem is convex; its minimum is the unconstrained solution when that is feasible, and
    /// otherwise lies on a face (γ = 0 or β = 0) or at the origin: all candidates are compared.
    /// </remarks>
    public static (double Gamma, double Beta, double Residual) Solve(double dd, double ss, double ds, double dy, double sy, double yy)
    {
        double bestGamma = 0, bestBeta = 0, best = yy;
        var det = (dd * ss) - (ds * ds);
        if (det > 1e-12 * dd * ss)
        {
            var gamma = ((ss * dy) - (ds * sy)) / det;
            var beta = ((dd * sy) - (ds * dy)) / det;
            if (gamma >= 0 && beta >= 0)
            {
                return (gamma, beta, Math.Max(0, yy - (gamma * dy) - (beta * sy)));
            }
        }

        if (dd > 0 && dy > 0)
        {
            var residual = yy - (dy * dy / dd);
            if (residual < best)
            {
                (bestGamma, bestBeta, best) = (dy / dd, 0, residual);
            }
        }

        if (ss > 0 && sy > 0)
        {
            var residual = yy - (sy * sy / ss);
            if (residual < best)
            {
                (bestGamma, bestBeta, best) = (0, sy / ss, residual);
            }
        }

        return (bestGamma, bestBeta, Math.Max(0, best));
    }
}
