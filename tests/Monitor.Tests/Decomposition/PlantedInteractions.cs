using Spindle.Monitor.Decomposition;
using Spindle.Monitor.Interactions;

namespace Spindle.Monitor.Tests.Decomposition;

/// <summary>
/// Seeded synthetic interactions built as the paper's theory assumes: a generalizable part
/// M(δ0) applied to a few sparse low-order interactions (Theorem 3.1), plus a non-generalizable
/// part of i.i.d. Gaussian noise on every interaction (appendix E).
/// </summary>
internal sealed class PlantedInteractions
{
    private PlantedInteractions(double[][] and, double[][] or, double[][] noiseAnd, double[][] noiseOr, double tau)
    {
        And = and;
        Or = or;
        NoiseAnd = noiseAnd;
        NoiseOr = noiseOr;
        Tau = tau;
    }

    public double[][] And { get; }

    public double[][] Or { get; }

    public double[][] NoiseAnd { get; }

    public double[][] NoiseOr { get; }

    /// <summary>Gets τ = 0.02 E|v(x_N) - v(x_∅)| (Table 1), computed from the generated interactions.</summary>
    public double Tau { get; }

    /// <summary>Gets the Eq. 6 mass of the noise part alone, averaged over samples, with the same τ.</summary>
    public double PlantedSpindleMass => InteractionDistributions.Compute(NoiseAnd, NoiseOr, Tau).Mass;

    /// <summary>Generates the interactions.</summary>
    /// <param name="seed">Random seed.</param>
    /// <param name="variableCount">n.</param>
    /// <param name="samples">Number of samples.</param>
    /// <param name="sparseCount">Sparse interactions per sample (each AND or OR with equal odds).</param>
    /// <param name="noiseSigma">Standard deviation of the Gaussian noise on every non-empty interaction.</param>
    /// <param name="delta0">δ0 of the M(δ0) applied to the sparse part.</param>
    public static PlantedInteractions Generate(int seed, int variableCount, int samples, int sparseCount, double noiseSigma, double delta0)
    {
        var random = new Random(seed);
        var size = 1 << variableCount;
        var op = new DecayOperator(variableCount);
        var and = new double[samples][];
        var or = new double[samples][];
        var noiseAnd = new double[samples][];
        var noiseOr = new double[samples][];
        var gapSum = 0.0;
        for (var i = 0; i < samples; i++)
        {
            var sparseAnd = new double[size];
            var sparseOr = new double[size];
            for (var c = 0; c < sparseCount; c++)
            {
                // Orders 1, 2, 3 with odds 40/35/25; magnitude 0.5 + |N(0, 1)|; 70% positive.
                var u = random.NextDouble();
                var order = u < 0.4 ? 1 : u < 0.75 ? 2 : 3;
                var mask = RandomSubset(random, variableCount, order);
                var value = (0.5 + Math.Abs(Gaussian(random))) * (random.NextDouble() < 0.7 ? 1 : -1);
                (random.NextDouble() < 0.5 ? sparseAnd : sparseOr)[mask] += value;
            }

            op.Apply(sparseAnd, sparseAnd, delta0);
            op.Apply(sparseOr, sparseOr, delta0);
            noiseAnd[i] = new double[size];
            noiseOr[i] = new double[size];
            for (var s = 1; s < size; s++)
            {
                noiseAnd[i][s] = noiseSigma * Gaussian(random);
                noiseOr[i][s] = noiseSigma * Gaussian(random);
            }

            and[i] = new double[size];
            or[i] = new double[size];
            var gap = 0.0;
            for (var s = 1; s < size; s++)
            {
                and[i][s] = sparseAnd[s] + noiseAnd[i][s];
                or[i][s] = sparseOr[s] + noiseOr[i][s];
                gap += and[i][s] + or[i][s];
            }

            gapSum += Math.Abs(gap);
        }

        return new PlantedInteractions(and, or, noiseAnd, noiseOr, 0.02 * gapSum / samples);
    }

    internal static double Gaussian(Random random)
    {
        // Box-Muller.
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static int RandomSubset(Random random, int n, int order)
    {
        var mask = 0;
        while (SubsetTransforms.Order(mask) < order)
        {
            mask |= 1 << random.Next(n);
        }

        return mask;
    }
}
