namespace Spindle.Monitor.Checks;

/// <summary>The change of one metric between two checks of a run, with its paired bootstrap interval.</summary>
/// <param name="Metric">The metric.</param>
/// <param name="Difference">Later minus earlier value (of the checks themselves, not of the replicates).</param>
/// <param name="Interval">The percentile interval and standard error of the paired replicate differences.</param>
/// <param name="FractionIncreasing">The fraction of paired replicates in which the later check is higher.</param>
/// <param name="PairedReplicates">The number of replicate pairs valid in both checks.</param>
public sealed record CheckChange(CheckMetric Metric, double Difference, MetricInterval Interval, double FractionIncreasing, int PairedReplicates)
{
    /// <summary>Gets a value indicating whether the interval excludes zero: the change is larger than probe noise at the interval's level.</summary>
    public bool IsSignificant => Interval.Lower > 0 || Interval.Upper < 0;
}
