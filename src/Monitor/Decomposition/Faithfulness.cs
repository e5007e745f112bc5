namespace Spindle.Monitor.Decomposition;

/// <summary>How well the fitted decomposition matches the ground truth from baseline models (paper Eq. 11).</summary>
public static class Faithfulness
{
    /// <summary>
    /// Computes the Jaccard similarity SIM = Σ_{m,s} (min{|A_gen|, |A_decay|} + min{|A_non|, |A_spindle|}) /
    /// Σ_{m,s} (max{|A_gen|, |A_decay|} + max{|A_non|, |A_spindle|}) over orders m and signs s ∈ {+, -}.
    /// </summary>
    /// <param name="generalizable">A_gen^(m),± from baseline models.</param>
    /// <param name="nonGeneralizable">A_non^(m),±.</param>
    /// <param name="decay">The fitted A_decay^(m),±.</param>
    /// <param name="spindle">The fitted A_spindle^(m),±.</param>
    /// <returns>SIM in [0, 1]; 1 when all four are zero.</returns>
    /// <exception cref="ArgumentException">The distributions span different orders.</exception>
    public static double Similarity(OrderDistribution generalizable, OrderDistribution nonGeneralizable, OrderDistribution decay, OrderDistribution spindle)
    {
        ArgumentNullException.ThrowIfNull(generalizable);
        ArgumentNullException.ThrowIfNull(nonGeneralizable);
        ArgumentNullException.ThrowIfNull(decay);
        ArgumentNullException.ThrowIfNull(spindle);
        var n = generalizable.VariableCount;
        if (nonGeneralizable.VariableCount != n || decay.VariableCount != n || spindle.VariableCount != n)
        {
            throw new ArgumentException($"All four distributions must span the same orders; got {n}, {nonGeneralizable.VariableCount}, {decay.VariableCount}, {spindle.VariableCount}.", nameof(generalizable));
        }

        double intersection = 0, union = 0;
        for (var i = 0; i < n; i++)
        {
            Add(generalizable.Positive[i], decay.Positive[i], ref intersection, ref union);
            Add(generalizable.Negative[i], decay.Negative[i], ref intersection, ref union);
            Add(nonGeneralizable.Positive[i], spindle.Positive[i], ref intersection, ref union);
            Add(nonGeneralizable.Negative[i], spindle.Negative[i], ref intersection, ref union);
        }

        return union > 0 ? intersection / union : 1;
    }

    private static void Add(double truth, double model, ref double intersection, ref double union)
    {
        intersection += Math.Min(Math.Abs(truth), Math.Abs(model));
        union += Math.Max(Math.Abs(truth), Math.Abs(model));
    }
}
