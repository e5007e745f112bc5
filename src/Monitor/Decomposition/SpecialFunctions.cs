namespace Spindle.Monitor.Decomposition;

/// <summary>Special functions the decomposition needs and .NET does not provide.</summary>
internal static class SpecialFunctions
{
    // Lanczos approximation with g = 7 and nine terms; relative error below 2e-15 for x >= 0.5.
    private const double LanczosG = 7.0;

    private static readonly double[] LanczosCoefficients =
    [
        0.99999999999980993,
        676.5203681218851,
        -1259.1392167224028,
        771.32342877765313,
        -176.61502916214059,
        12.507343278686905,
        -0.13857109526572012,
        9.9843695780195716e-6,
        1.5056327351493116e-7,
    ];

    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>ln Γ(x) for x &gt; 0.</summary>
    /// <param name="x">The argument, positive.</param>
    /// <returns>The natural logarithm of the gamma function at <paramref name="x"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="x"/> is not positive or not finite.</exception>
    public static double LogGamma(double x)
    {
        if (!(x > 0) || double.IsInfinity(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "LogGamma needs a positive finite argument.");
        }

        if (x < 0.5)
        {
            // Reflection: Γ(x) Γ(1 - x) = π / sin(π x); sin(π x) > 0 for 0 < x < 0.5.
            return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        }

        var z = x - 1;
        var sum = LanczosCoefficients[0];
        for (var i = 1; i < LanczosCoefficients.Length; i++)
        {
            sum += LanczosCoefficients[i] / (z + i);
        }

        var t = z + LanczosG + 0.5;
        return HalfLogTwoPi + ((z + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }
}
