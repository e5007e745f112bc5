namespace Spindle.Monitor.Decomposition;

/// <summary>Brent's method: minimisation of a function of one variable on an interval without derivatives.</summary>
internal static class ScalarMinimizer
{
    private static readonly double GoldenSection = 0.5 * (3 - Math.Sqrt(5));

    /// <summary>Finds a local minimum of <paramref name="f"/> in [<paramref name="lower"/>, <paramref name="upper"/>].</summary>
    /// <param name="f">The function.</param>
    /// <param name="lower">The lower end of the interval.</param>
    /// <param name="upper">The upper end of the interval.</param>
    /// <param name="start">A point inside the interval where f is low (the best grid point).</param>
    /// <param name="tolerance">Relative tolerance on the argument.</param>
    /// <param name="maxIterations">The most function evaluations.</param>
    /// <returns>The argument of the minimum found and its value.</returns>
    public static (double X, double Value) Minimize(Func<double, double> f, double lower, double upper, double start, double tolerance = 1e-10, int maxIterations = 100)
    {
        double a = lower, b = upper;
        double x = Math.Clamp(start, lower, upper), w = x, v = x;
        double fx = f(x), fw = fx, fv = fx;
        double d = 0, e = 0;
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var middle = 0.5 * (a + b);
            var tol1 = (tolerance * Math.Abs(x)) + 1e-14;
            var tol2 = 2 * tol1;
            if (Math.Abs(x - middle) <= tol2 - (0.5 * (b - a)))
            {
                break;
            }

            var useGolden = true;
            if (Math.Abs(e) > tol1)
            {
                // Parabola through (v, fv), (w, fw), (x, fx).
                var r = (x - w) * (fx - fv);
                var q = (x - v) * (fx - fw);
                var p = ((x - v) * q) - ((x - w) * r);
                q = 2 * (q - r);
                if (q > 0)
                {
                    p = -p;
                }

                q = Math.Abs(q);
                var eTemp = e;
                e = d;
                if (Math.Abs(p) < Math.Abs(0.5 * q * eTemp) && p > q * (a - x) && p < q * (b - x))
                {
                    d = p / q;
                    var u0 = x + d;
                    if (u0 - a < tol2 || b - u0 < tol2)
                    {
                        d = middle >= x ? tol1 : -tol1;
                    }

                    useGolden = false;
                }
            }

            if (useGolden)
            {
                e = (x >= middle ? a : b) - x;
                d = GoldenSection * e;
            }

            var u = Math.Abs(d) >= tol1 ? x + d : x + (d >= 0 ? tol1 : -tol1);
            var fu = f(u);
            if (fu <= fx)
            {
                if (u >= x)
                {
                    a = x;
                }
                else
                {
                    b = x;
                }

                (v, fv) = (w, fw);
                (w, fw) = (x, fx);
                (x, fx) = (u, fu);
            }
            else
            {
                if (u < x)
                {
                    a = u;
                }
                else
                {
                    b = u;
                }

                if (fu <= fw || w == x)
                {
                    (v, fv) = (w, fw);
                    (w, fw) = (u, fu);
                }
                else if (fu <= fv || v == x || v == w)
                {
                    (v, fv) = (u, fu);
                }
            }
        }

        return (x, fx);
    }
}
