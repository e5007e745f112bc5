namespace Spindle.Monitor.Checks;

/// <summary>Compares two checks of one run with paired bootstrap replicates.</summary>
public static class CheckComparison
{
    /// <summary>Computes the change of <paramref name="metric"/> from <paramref name="earlier"/> to <paramref name="later"/>.</summary>
    /// <param name="earlier">The earlier check.</param>
    /// <param name="later">The later check.</param>
    /// <param name="metric">The metric.</param>
    /// <returns>The change and its paired interval.</returns>
    /// <exception cref="InvalidOperationException">
    /// A check has no uncertainty, or the two do not pair (different seeds, probe counts or replicate counts),
    /// or fewer than two replicate pairs are valid in both.
    /// </exception>
    public static CheckChange Compare(CheckResult earlier, CheckResult later, CheckMetric metric)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(later);
        var a = earlier.Uncertainty ?? throw new InvalidOperationException("The earlier check has no bootstrap replicates (BootstrapReplicates was 0).");
        var b = later.Uncertainty ?? throw new InvalidOperationException("The later check has no bootstrap replicates (BootstrapReplicates was 0).");
        if (a.Seed != b.Seed || a.SampleCount != b.SampleCount || a.Replicates != b.Replicates)
        {
            throw new InvalidOperationException(
                $"The checks do not pair: seeds {a.Seed}/{b.Seed}, probe counts {a.SampleCount}/{b.SampleCount}, replicates {a.Replicates}/{b.Replicates}. "
                + "Use one probe set and one bootstrap seed for every check of a run.");
        }

        var x = a.Values(metric);
        var y = b.Values(metric);
        var differences = new List<double>(x.Count);
        for (var i = 0; i < x.Count; i++)
        {
            if (double.IsFinite(x[i]) && double.IsFinite(y[i]))
            {
                differences.Add(y[i] - x[i]);
            }
        }

        if (differences.Count < 2)
        {
            throw new InvalidOperationException($"Only {differences.Count} replicate pairs have Z > 0 in both checks.");
        }

        var earlierValue = earlier.Value(metric) ?? throw new InvalidOperationException("The earlier check has no normalised numbers (Z = 0).");
        var laterValue = later.Value(metric) ?? throw new InvalidOperationException("The later check has no normalised numbers (Z = 0).");
        return new CheckChange(
            metric,
            laterValue - earlierValue,
            MetricInterval.FromReplicates(differences, a.ConfidenceLevel),
            differences.Count(d => d > 0) / (double)differences.Count,
            differences.Count);
    }
}
