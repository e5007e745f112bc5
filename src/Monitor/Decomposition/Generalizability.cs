namespace Spindle.Monitor.Decomposition;

/// <summary>
/// Ground-truth generalizability of interactions from baseline models trained on other data
/// (paper Eq. 5 and Section 2.2).
/// </summary>
/// <remarks>
/// An interaction S of the target model is generalizable, ρ̂_S = 1, when it is salient in the target
/// (|I_S| &gt; τ) and at least one of the k baseline models has it salient with the same sign
/// (|I_S^(i)| &gt; τ and I_S I_S^(i) &gt; 0). AND and OR interactions are judged separately, each
/// against the baselines' interactions of the same kind, on the same samples and variables.
/// One τ serves all models, as in Eq. 5.
/// </remarks>
public static class Generalizability
{
    /// <summary>Computes the flags ρ̂_S for one interaction vector of one sample.</summary>
    /// <param name="target">The target model's interactions (AND or OR), length 2^n.</param>
    /// <param name="baselines">The k ≥ 1 baseline models' interactions of the same kind on the same sample, each of length 2^n.</param>
    /// <param name="tau">Salience threshold τ ≥ 0.</param>
    /// <returns>ρ̂_S for every subset S (index 0, the empty set, is always false).</returns>
    /// <exception cref="ArgumentException">No baselines, or the lengths differ.</exception>
    public static bool[] Flags(ReadOnlySpan<double> target, IReadOnlyList<double[]> baselines, double tau)
    {
        ArgumentNullException.ThrowIfNull(baselines);
        ArgumentOutOfRangeException.ThrowIfNegative(tau);
        if (baselines.Count == 0)
        {
            throw new ArgumentException("At least one baseline model is needed.", nameof(baselines));
        }

        for (var i = 0; i < baselines.Count; i++)
        {
            if (baselines[i].Length != target.Length)
            {
                throw new ArgumentException($"Baseline {i} has {baselines[i].Length} interactions, the target {target.Length}.", nameof(baselines));
            }
        }

        var flags = new bool[target.Length];
        for (var s = 1; s < target.Length; s++)
        {
            var value = target[s];
            if (!(Math.Abs(value) > tau))
            {
                continue;
            }

            foreach (var baseline in baselines)
            {
                var other = baseline[s];
                if (Math.Abs(other) > tau && value * other > 0)
                {
                    flags[s] = true;
                    break;
                }
            }
        }

        return flags;
    }

    /// <summary>Computes A, A_gen and A_non averaged over samples, AND and OR together.</summary>
    /// <param name="targetAnd">The target's per-sample AND interactions.</param>
    /// <param name="targetOr">The target's per-sample OR interactions.</param>
    /// <param name="baselineAnd">Per baseline model, its per-sample AND interactions on the same samples.</param>
    /// <param name="baselineOr">Per baseline model, its per-sample OR interactions.</param>
    /// <param name="tau">Salience threshold τ ≥ 0.</param>
    /// <returns>The split.</returns>
    /// <exception cref="ArgumentException">The shapes do not match.</exception>
    public static GeneralizabilitySplit Split(
        IReadOnlyList<double[]> targetAnd,
        IReadOnlyList<double[]> targetOr,
        IReadOnlyList<IReadOnlyList<double[]>> baselineAnd,
        IReadOnlyList<IReadOnlyList<double[]>> baselineOr,
        double tau)
    {
        var n = InteractionDistributions.CheckShapes(targetAnd, targetOr);
        ArgumentNullException.ThrowIfNull(baselineAnd);
        ArgumentNullException.ThrowIfNull(baselineOr);
        if (baselineAnd.Count == 0 || baselineAnd.Count != baselineOr.Count)
        {
            throw new ArgumentException($"Expected the same non-zero number of baseline models for AND and OR, got {baselineAnd.Count} and {baselineOr.Count}.", nameof(baselineOr));
        }

        for (var b = 0; b < baselineAnd.Count; b++)
        {
            if (baselineAnd[b].Count != targetAnd.Count || baselineOr[b].Count != targetAnd.Count)
            {
                throw new ArgumentException($"Baseline {b} has {baselineAnd[b].Count} AND and {baselineOr[b].Count} OR samples; the target has {targetAnd.Count}.", nameof(baselineAnd));
            }
        }

        var genPositive = new double[n];
        var genNegative = new double[n];
        var weight = 1.0 / targetAnd.Count;
        for (var i = 0; i < targetAnd.Count; i++)
        {
            var sample = i;
            AccumulateGeneralizable(targetAnd[i], baselineAnd.Select(b => b[sample]).ToArray(), tau, genPositive, genNegative, weight);
            AccumulateGeneralizable(targetOr[i], baselineOr.Select(b => b[sample]).ToArray(), tau, genPositive, genNegative, weight);
        }

        var all = InteractionDistributions.Compute(targetAnd, targetOr, tau);
        var generalizable = new OrderDistribution(genPositive, genNegative);
        return new GeneralizabilitySplit(all, generalizable, all.Subtract(generalizable));
    }

    private static void AccumulateGeneralizable(double[] target, double[][] baselines, double tau, double[] positive, double[] negative, double weight)
    {
        var flags = Flags(target, baselines, tau);
        for (var s = 1; s < target.Length; s++)
        {
            if (!flags[s])
            {
                continue;
            }

            InteractionDistributions.AddSalient(target[s], Interactions.SubsetTransforms.Order(s), tau, positive, negative, weight);
        }
    }
}
