using Spindle.Monitor.Interactions;
using Spindle.Monitor.Tests.Interactions;

namespace Spindle.Monitor.Tests.Decomposition;

/// <summary>
/// Output functions with a known answer, given to the real extraction path as 2^n outputs per sample:
/// clean sparse AND-OR functions of low order with random signs (no non-generalizable part), and the
/// same functions plus appendix-E noise (i.i.d. Gaussian on every AND interaction of every order).
/// </summary>
/// <remarks>
/// Unlike <see cref="PlantedInteractions"/>, the clean part is not M(δ0) applied to the interactions,
/// which is the decay model's own assumption: it is the plain sparse function, as a model that learnt
/// a few low-order patterns would compute it.
/// </remarks>
internal static class SyntheticFunctions
{
    /// <summary>How many planted interactions of orders 1, 2, 3 each sample gets.</summary>
    /// <param name="First">Order-1 interactions.</param>
    /// <param name="Second">Order-2 interactions.</param>
    /// <param name="Third">Order-3 interactions.</param>
    internal readonly record struct OrderMix(int First, int Second, int Third)
    {
        public override string ToString() => $"{First}/{Second}/{Third}";
    }

    /// <summary>The outputs v(x_T) of every sample: a bias, the planted clean function, plus noise σ on every AND interaction.</summary>
    /// <param name="seed">Seed of the function and the noise.</param>
    /// <param name="n">Number of variables.</param>
    /// <param name="samples">Number of samples (each gets its own function, as probes of one model do).</param>
    /// <param name="mix">Planted interactions per order; each is AND or OR with equal odds, |value| in [0.5, 2], random sign.</param>
    /// <param name="noiseSigma">σ of the Gaussian added to every non-empty AND interaction (0: a clean function).</param>
    /// <returns>One 2^n output vector per sample.</returns>
    public static List<double[]> Outputs(int seed, int n, int samples, OrderMix mix, double noiseSigma)
    {
        var functionRandom = new Random(seed);
        var noiseRandom = new Random(unchecked((seed * 7919) + 17));
        var outputs = new List<double[]>(samples);
        for (var i = 0; i < samples; i++)
        {
            var planted = new List<InteractionTestData.Planted>();
            foreach (var (order, count) in new[] { (1, mix.First), (2, mix.Second), (3, mix.Third) })
            {
                for (var k = 0; k < count; k++)
                {
                    var mask = 0;
                    while (SubsetTransforms.Order(mask) < order)
                    {
                        mask |= 1 << functionRandom.Next(n);
                    }

                    var value = (0.5 + (1.5 * functionRandom.NextDouble())) * (functionRandom.Next(2) == 0 ? -1 : 1);
                    planted.Add(new InteractionTestData.Planted(mask, value, functionRandom.Next(2) == 0));
                }
            }

            var bias = InteractionTestData.Gaussian(functionRandom);
            var v = InteractionTestData.FromPlanted(n, bias, planted, 0, functionRandom);
            if (noiseSigma > 0)
            {
                // v += Σ_{S ⊆ T} ε_S: noise on every AND interaction, added through the subset-sum (zeta) transform.
                var noise = new double[1 << n];
                for (var s = 1; s < noise.Length; s++)
                {
                    noise[s] = noiseSigma * InteractionTestData.Gaussian(noiseRandom);
                }

                SubsetTransforms.SubsetSum(noise);
                for (var t = 0; t < v.Length; t++)
                {
                    v[t] += noise[t];
                }
            }

            outputs.Add(v);
        }

        return outputs;
    }
}
