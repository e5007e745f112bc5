namespace Spindle.Monitor.Checks;

/// <summary>
/// Bootstrap uncertainty of one check: the check's numbers recomputed on resamples (with replacement)
/// of its probe samples, refitting the decomposition on each.
/// </summary>
/// <remarks>
/// The resamples depend only on <see cref="Seed"/>, <see cref="SampleCount"/> and the replicate index,
/// so two checks of one run (same probes, same seed) use the same resamples: replicate b of one check
/// pairs with replicate b of the other, and <see cref="CheckComparison"/> turns the pairs into an interval
/// for the change between checks. Most of a single check's spread is a level shift shared by all
/// checks (which probes happen to be drawn), and pairing cancels it.
/// </remarks>
public sealed class CheckUncertainty
{
    private readonly Dictionary<CheckMetric, double[]> _replicates;

    /// <summary>Initializes a new instance of the <see cref="CheckUncertainty"/> class.</summary>
    /// <param name="seed">The resampling seed.</param>
    /// <param name="sampleCount">The number of probe samples resampled.</param>
    /// <param name="confidenceLevel">The coverage of <see cref="Interval"/>.</param>
    /// <param name="replicates">Per metric, the replicate values in replicate order; NaN where a resample had Z = 0.</param>
    /// <exception cref="ArgumentException">The replicate arrays differ in length or a metric is missing.</exception>
    public CheckUncertainty(int seed, int sampleCount, double confidenceLevel, IReadOnlyDictionary<CheckMetric, double[]> replicates)
    {
        ArgumentNullException.ThrowIfNull(replicates);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleCount, 1);
        if (!(confidenceLevel > 0 && confidenceLevel < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidenceLevel), confidenceLevel, "The confidence level must lie in (0, 1).");
        }

        _replicates = [];
        var length = -1;
        foreach (var metric in Enum.GetValues<CheckMetric>())
        {
            if (!replicates.TryGetValue(metric, out var values))
            {
                throw new ArgumentException($"Replicates for {metric} are missing.", nameof(replicates));
            }

            if (length >= 0 && values.Length != length)
            {
                throw new ArgumentException($"Replicates for {metric} number {values.Length}, others {length}.", nameof(replicates));
            }

            length = values.Length;
            _replicates[metric] = values;
        }

        Seed = seed;
        SampleCount = sampleCount;
        ConfidenceLevel = confidenceLevel;
        Replicates = length;
        ValidReplicates = _replicates[CheckMetric.SpindleMass].Count(double.IsFinite);
    }

    /// <summary>Gets the resampling seed.</summary>
    public int Seed { get; }

    /// <summary>Gets the number of probe samples each resample draws (the check's probe count).</summary>
    public int SampleCount { get; }

    /// <summary>Gets the coverage of <see cref="Interval"/>.</summary>
    public double ConfidenceLevel { get; }

    /// <summary>Gets the number of replicates.</summary>
    public int Replicates { get; }

    /// <summary>Gets the number of replicates with Z &gt; 0 (the others have no normalised numbers).</summary>
    public int ValidReplicates { get; }

    /// <summary>Gets the replicate values of one metric, in replicate order; NaN where the resample had Z = 0.</summary>
    /// <param name="metric">The metric.</param>
    /// <returns>The values (do not modify).</returns>
    public IReadOnlyList<double> Values(CheckMetric metric) => _replicates[metric];

    /// <summary>Gets the percentile interval and standard error of one metric over the valid replicates.</summary>
    /// <param name="metric">The metric.</param>
    /// <returns>The interval; <see langword="null"/> when fewer than two replicates are valid.</returns>
    public MetricInterval? Interval(CheckMetric metric)
    {
        var valid = _replicates[metric].Where(double.IsFinite).ToArray();
        return valid.Length < 2 ? null : MetricInterval.FromReplicates(valid, ConfidenceLevel);
    }

    /// <summary>Draws the resample indices of every replicate; the same for equal arguments.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="sampleCount">The probe count.</param>
    /// <param name="replicates">The replicate count.</param>
    /// <returns>One index array per replicate.</returns>
    internal static int[][] Resamples(int seed, int sampleCount, int replicates)
    {
        var random = new Random(seed);
        var result = new int[replicates][];
        for (var b = 0; b < replicates; b++)
        {
            result[b] = new int[sampleCount];
            for (var i = 0; i < sampleCount; i++)
            {
                result[b][i] = random.Next(sampleCount);
            }
        }

        return result;
    }
}
