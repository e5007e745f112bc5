using System.Text.Json.Serialization;

namespace Spindle.Monitor.Checks;

/// <summary>A bootstrap percentile interval and standard error of one number.</summary>
/// <param name="Lower">The lower percentile.</param>
/// <param name="Upper">The upper percentile.</param>
/// <param name="StandardError">The standard deviation of the replicates.</param>
public sealed record MetricInterval(
    [property: JsonPropertyName("lower")] double Lower,
    [property: JsonPropertyName("upper")] double Upper,
    [property: JsonPropertyName("standardError")] double StandardError)
{
    /// <summary>Computes the interval from replicates.</summary>
    /// <param name="replicates">The replicate values (at least one).</param>
    /// <param name="level">The coverage, in (0, 1).</param>
    /// <returns>The interval.</returns>
    internal static MetricInterval FromReplicates(IReadOnlyList<double> replicates, double level)
    {
        var sorted = replicates.ToArray();
        Array.Sort(sorted);
        var tail = (1 - level) / 2;
        var mean = sorted.Average();
        var variance = sorted.Length > 1 ? sorted.Sum(v => (v - mean) * (v - mean)) / (sorted.Length - 1) : 0;
        return new MetricInterval(Quantile(sorted, tail), Quantile(sorted, 1 - tail), Math.Sqrt(variance));
    }

    /// <summary>The linear-interpolation quantile of sorted values.</summary>
    internal static double Quantile(double[] sorted, double p)
    {
        var position = p * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(sorted.Length - 1, low + 1);
        return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
    }
}
