using Spindle.Monitor.Decomposition;

namespace Spindle.Regularizer;

/// <summary>Chooses the interactions the regularizer penalises: salient in the model, and not generalizable (paper Eq. 5, appendix J).</summary>
/// <remarks>
/// S ≠ ∅ is penalised when |I_S| &gt; τ and no baseline model has |I_S^(i)| &gt; τ with I_S · I_S^(i) &gt; 0 on the same sample
/// and variables. AND and OR interactions are judged separately, each against the baselines' interactions of the same kind,
/// with one τ for all models (<see cref="Generalizability.Flags"/>).
/// </remarks>
public static class NonGeneralizableSelection
{
    /// <summary>Marks the interactions to penalise for one interaction vector of one sample.</summary>
    /// <param name="target">The model's interactions (AND or OR), length 2^n.</param>
    /// <param name="baselines">The k ≥ 1 baseline models' interactions of the same kind on the same sample and variables.</param>
    /// <param name="tau">The salience threshold τ ≥ 0.</param>
    /// <returns>For every subset S, whether I_S is salient and not generalizable (index 0, the empty set, is always false).</returns>
    /// <exception cref="ArgumentException">No baselines, or the lengths differ.</exception>
    public static bool[] Select(ReadOnlySpan<double> target, IReadOnlyList<double[]> baselines, double tau)
    {
        var generalizable = Generalizability.Flags(target, baselines, tau);
        var selected = new bool[target.Length];
        for (var s = 1; s < target.Length; s++)
        {
            selected[s] = Math.Abs(target[s]) > tau && !generalizable[s];
        }

        return selected;
    }
}
