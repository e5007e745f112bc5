using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Decomposition;
using Spindle.Monitor.EarlyStopping;

namespace Spindle.Monitor.Metrics;

/// <summary>
/// The <c>Spindle.Monitor</c> meter and its instruments: every check of an <see cref="Monitoring.InteractionMonitor"/>
/// (with <see cref="Monitoring.MonitorOptions.PublishMetrics"/>) records its masses with their bootstrap intervals,
/// per-order strengths, duration and early-stopping state; the training loop reports its epoch, training time, loss and
/// accuracy per split through <see cref="RecordEpoch"/> and <see cref="RecordSplit"/>, and the monitor overhead follows
/// from both. Every measurement is tagged <c>run.id</c>. Listen with OpenTelemetry
/// (<c>AddTrainingMonitorInstrumentation()</c>) or a <see cref="MeterListener"/>.
/// </summary>
/// <remarks>
/// All masses are on the Z-normalised scale of appendix K.3 (unit <c>1</c>). The gauges keep the last value per
/// attribute set; the Prometheus names replace dots with underscores (<c>training_interaction_spindle_mass</c>) and add
/// <c>_seconds</c> to the duration histogram.
/// </remarks>
public static class MonitorMetrics
{
    /// <summary>The name of the meter (the assembly name).</summary>
    public const string MeterName = "Spindle.Monitor";

    /// <summary>The attribute naming the run on every instrument.</summary>
    public const string RunIdAttribute = "run.id";

    private static readonly Meter Meter = new(MeterName, typeof(MonitorMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Gauge<double> SpindleMass = Meter.CreateGauge<double>(
        "training.interaction.spindle_mass", "1", "Spindle (non-generalizable) mass of the last check, over Z.");

    private static readonly Gauge<double> DecayMass = Meter.CreateGauge<double>(
        "training.interaction.decay_mass", "1", "Decay (generalizable) mass of the last check, over Z.");

    private static readonly Gauge<double> SpindleShare = Meter.CreateGauge<double>(
        "training.interaction.spindle_share", "1", "Spindle mass over spindle plus decay mass, of the last check.");

    private static readonly Gauge<double> CancellationMass = Meter.CreateGauge<double>(
        "training.interaction.cancellation_mass", "1", "Cancellation mass 2 sum_m min(A+, |A-|) of the last check, over Z.");

    private static readonly Gauge<double> ResidualMass = Meter.CreateGauge<double>(
        "training.interaction.residual_mass", "1", "Mass neither the decay nor the spindle part explains, of the last check, over Z.");

    private static readonly Gauge<double> Strength = Meter.CreateGauge<double>(
        "training.interaction.strength", "1", "A^(m),+ (sign=positive) or A^(m),- (sign=negative) of order m over Z, of the data or a fitted component, at the last check.");

    private static readonly Gauge<int> CheckEpoch = Meter.CreateGauge<int>(
        "training.interaction.check.epoch", "{epoch}", "Epoch of the last check.");

    // Bucket bounds in seconds (the SDK's defaults are meant for milliseconds and would put every check in one bucket).
    private static readonly Histogram<double> CheckDuration = Meter.CreateHistogram<double>(
        "training.interaction.check.duration",
        "s",
        "Wall time of one check (extraction, fit, bootstrap).",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500] });

    private static readonly Gauge<double> Bound = Meter.CreateGauge<double>(
        "training.interaction.bootstrap.bound", "1", "Lower or upper end (attribute bound) of the bootstrap percentile interval over the probes of a quantity (attribute quantity) of the last check.");

    private static readonly Gauge<double> Overhead = Meter.CreateGauge<double>(
        "training.interaction.check.overhead", "1", "Seconds spent in checks over seconds spent in training steps, since the run started in this process.");

    private static readonly Gauge<int> Epoch = Meter.CreateGauge<int>(
        "training.epoch", "{epoch}", "Last epoch the training loop reported as finished.");

    private static readonly Gauge<double> Loss = Meter.CreateGauge<double>(
        "training.loss", "1", "Mean loss of the last reported epoch on a split (attribute split).");

    private static readonly Gauge<double> Accuracy = Meter.CreateGauge<double>(
        "training.accuracy", "1", "Fraction classified correctly in the last reported epoch on a split (attribute split).");

    private static readonly ConcurrentDictionary<string, RunSeconds> Seconds = new(StringComparer.Ordinal);

    private static readonly Gauge<double> StoppingSignal = Meter.CreateGauge<double>(
        "training.early_stopping.signal", "1", "Smoothed signal the early-stopping rule compares (attribute signal).");

    private static readonly Gauge<double> StoppingThreshold = Meter.CreateGauge<double>(
        "training.early_stopping.threshold", "1", "Value the next smoothed signal must pass to count against the run.");

    private static readonly Gauge<int> StoppingWait = Meter.CreateGauge<int>(
        "training.early_stopping.wait", "{check}", "Consecutive checks counting against the run (stops at the patience).");

    private static readonly Gauge<int> StoppingStopped = Meter.CreateGauge<int>(
        "training.early_stopping.stopped", "1", "1 once the early-stopping rule has decided to stop, else 0.");

    /// <summary>The attribute of <c>training.loss</c> and <c>training.accuracy</c> naming the split.</summary>
    public const string SplitAttribute = "split";

    /// <summary>Reports that the training loop finished an epoch, with the seconds its training steps took (the denominator of the monitor overhead).</summary>
    /// <param name="runId">The run identifier (<see cref="Monitoring.InteractionMonitor.RunId"/> for the monitor's run).</param>
    /// <param name="epoch">The 1-based epoch just finished.</param>
    /// <param name="trainingSeconds">Wall-clock seconds of the epoch's training steps (not evaluation, not checks); <see langword="null"/> when not measured.</param>
    /// <exception cref="ArgumentException"><paramref name="runId"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative, or <paramref name="trainingSeconds"/> is negative or not finite.</exception>
    /// <remarks>
    /// Records <c>training.epoch</c> and, once the run has both training and check seconds,
    /// <c>training.interaction.check.overhead</c> (all check seconds over all training seconds reported for the run id in
    /// this process).
    /// </remarks>
    public static void RecordEpoch(string runId, int epoch, double? trainingSeconds = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        if (trainingSeconds is { } t && !(t >= 0 && double.IsFinite(t)))
        {
            throw new ArgumentOutOfRangeException(nameof(trainingSeconds), t, "Training seconds must be finite and not negative.");
        }

        var run = new KeyValuePair<string, object?>(RunIdAttribute, runId);
        Epoch.Record(epoch, run);
        if (trainingSeconds is { } seconds)
        {
            RecordOverhead(run, Seconds.GetOrAdd(runId, _ => new RunSeconds()).AddTraining(seconds));
        }
    }

    /// <summary>Reports the loss, and optionally the accuracy, of the last epoch on one split.</summary>
    /// <param name="runId">The run identifier (<see cref="Monitoring.InteractionMonitor.RunId"/> for the monitor's run).</param>
    /// <param name="split">The split, lower case: <c>train</c>, <c>test</c>, <c>validation</c>, ….</param>
    /// <param name="loss">The mean loss (a NaN or infinite loss is recorded as it is).</param>
    /// <param name="accuracy">The fraction classified correctly, in [0, 1]; <see langword="null"/> when the task has none.</param>
    /// <exception cref="ArgumentException"><paramref name="runId"/> or <paramref name="split"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="accuracy"/> lies outside [0, 1].</exception>
    public static void RecordSplit(string runId, string split, double loss, double? accuracy = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentException.ThrowIfNullOrEmpty(split);
        if (accuracy is { } a && !(a >= 0 && a <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(accuracy), a, "Accuracy must lie in [0, 1].");
        }

        var run = new KeyValuePair<string, object?>(RunIdAttribute, runId);
        var splitTag = new KeyValuePair<string, object?>(SplitAttribute, split);
        Loss.Record(loss, run, splitTag);
        if (accuracy is { } value)
        {
            Accuracy.Record(value, run, splitTag);
        }
    }

    internal static void Record(string runId, int epoch, CheckResult check, EarlyStoppingSignal signal, EarlyStoppingState state, double? threshold)
    {
        var run = new KeyValuePair<string, object?>(RunIdAttribute, runId);
        CheckEpoch.Record(epoch, run);
        CheckDuration.Record(check.Timings.TotalSeconds, run);
        RecordOverhead(run, Seconds.GetOrAdd(runId, _ => new RunSeconds()).AddCheck(check.Timings.TotalSeconds));
        if (check.Uncertainty is { } uncertainty)
        {
            RecordBounds(run, uncertainty);
        }

        if (check.Summary is { } summary)
        {
            SpindleMass.Record(summary.SpindleMass, run);
            DecayMass.Record(summary.DecayMass, run);
            SpindleShare.Record(summary.SpindleShare, run);
            ResidualMass.Record(summary.ResidualMass, run);
            if (check.CancellationMass is { } cancellation)
            {
                CancellationMass.Record(cancellation, run);
            }

            RecordStrengths(runId, "data", check.Fit.Data, check.Z);
            RecordStrengths(runId, "decay", check.Fit.Decay, check.Z);
            RecordStrengths(runId, "spindle", check.Fit.Spindle, check.Z);
        }

        var signalTag = new KeyValuePair<string, object?>("signal", SignalTag(signal));
        if (state.Smoothed is { } smoothed)
        {
            StoppingSignal.Record(smoothed, run, signalTag);
        }

        if (threshold is { } t)
        {
            StoppingThreshold.Record(t, run, signalTag);
        }

        StoppingWait.Record(state.Wait, run);
        StoppingStopped.Record(state.Reason == StopReason.None ? 0 : 1, run);
    }

    internal static string SignalTag(EarlyStoppingSignal signal) => signal switch
    {
        EarlyStoppingSignal.SpindleMass => "spindle_mass",
        EarlyStoppingSignal.CancellationMass => "cancellation_mass",
        EarlyStoppingSignal.SpindleShare => "spindle_share",
        _ => signal.ToString(),
    };

    internal static string QuantityTag(CheckMetric metric) => metric switch
    {
        CheckMetric.SpindleMass => "spindle_mass",
        CheckMetric.DecayMass => "decay_mass",
        CheckMetric.SpindleShare => "spindle_share",
        CheckMetric.CancellationMass => "cancellation_mass",
        _ => metric.ToString(),
    };

    private static void RecordBounds(KeyValuePair<string, object?> run, CheckUncertainty uncertainty)
    {
        foreach (var metric in Enum.GetValues<CheckMetric>())
        {
            if (uncertainty.Interval(metric) is not { } interval)
            {
                continue;
            }

            var quantity = new KeyValuePair<string, object?>("quantity", QuantityTag(metric));
            Bound.Record(interval.Lower, run, quantity, new KeyValuePair<string, object?>("bound", "lower"));
            Bound.Record(interval.Upper, run, quantity, new KeyValuePair<string, object?>("bound", "upper"));
        }
    }

    private static void RecordOverhead(KeyValuePair<string, object?> run, double? overhead)
    {
        if (overhead is { } value)
        {
            Overhead.Record(value, run);
        }
    }

    private static void RecordStrengths(string runId, string component, OrderDistribution distribution, double z)
    {
        for (var m = 0; m < distribution.VariableCount; m++)
        {
            var tags = new TagList
            {
                { RunIdAttribute, runId },
                { "order", m + 1 },
                { "component", component },
                { "sign", "positive" },
            };
            Strength.Record(distribution.Positive[m] / z, tags);
            tags[3] = new KeyValuePair<string, object?>("sign", "negative");
            Strength.Record(distribution.Negative[m] / z, tags);
        }
    }

    /// <summary>Check and training seconds of one run, summed in this process.</summary>
    private sealed class RunSeconds
    {
        private readonly Lock _lock = new();
        private double _check;
        private double _training;

        public double? AddCheck(double seconds)
        {
            lock (_lock)
            {
                _check += seconds;
                return Ratio();
            }
        }

        public double? AddTraining(double seconds)
        {
            lock (_lock)
            {
                _training += seconds;
                return Ratio();
            }
        }

        private double? Ratio() => _training > 0 && _check > 0 ? _check / _training : null;
    }
}
