namespace Spindle.Monitor.Interactions;

/// <summary>A small dense Cholesky solve for the solvers' least-squares steps.</summary>
internal static class Cholesky
{
    /// <summary>Solves m x = b in place for a symmetric positive definite k x k matrix (row-major, overwritten).</summary>
    /// <returns>False if m is not positive definite.</returns>
    public static bool Solve(double[] m, double[] b, int k)
    {
        for (var j = 0; j < k; j++)
        {
            var sum = m[(j * k) + j];
            for (var p = 0; p < j; p++)
            {
                sum -= m[(j * k) + p] * m[(j * k) + p];
            }

            if (!(sum > 0))
            {
                return false;
            }

            var diagonal = Math.Sqrt(sum);
            m[(j * k) + j] = diagonal;
            for (var i = j + 1; i < k; i++)
            {
                var x = m[(i * k) + j];
                for (var p = 0; p < j; p++)
                {
                    x -= m[(i * k) + p] * m[(j * k) + p];
                }

                m[(i * k) + j] = x / diagonal;
            }
        }

        for (var i = 0; i < k; i++)
        {
            var x = b[i];
            for (var p = 0; p < i; p++)
            {
                x -= m[(i * k) + p] * b[p];
            }

            b[i] = x / m[(i * k) + i];
        }

        for (var i = k - 1; i >= 0; i--)
        {
            var x = b[i];
            for (var p = i + 1; p < k; p++)
            {
                x -= m[(p * k) + i] * b[p];
            }

            b[i] = x / m[(i * k) + i];
        }

        return true;
    }
}
