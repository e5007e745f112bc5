using System.Diagnostics;
using System.Diagnostics.Metrics;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Decomposition;
using Spindle.Monitor.EarlyStopping;

namespace Spindle.Monitor.Metrics;

/// <summary>
/// The <c>Spindle.Monitor</c> meter and its instruments: every check of an <see cref="Monitoring.InteractionMonitor"/>
/// (with <see cref="Monitoring.MonitorOptions.PublishMetrics"/>) records its masses, per-order strengths, duration and
/// early-stopping state, each tagged <c>run.id</c>. Listen with OpenTelemetry
/// (<c>AddTrainingMonitorInstrumentation()</c>) or a <see cref="MeterListener"/>.
/// </summary>
/// <remarks>
/// All masses are on the Z-normalised scale of appendix K.3 (unit <c>1</c>). The gauges keep the last check's value per
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

    private static readonly Histogram<double> CheckDuration = Meter.CreateHistogram<double>(
        "training.interaction.check.duration", "s", "Wall time of one check (extraction, fit, bootstrap).");

    private static readonly Gauge<double> StoppingSignal = Meter.CreateGauge<double>(
        "training.early_stopping.signal", "1", "Smoothed signal the early-stopping rule compares (attribute signal).");

    private static readonly Gauge<double> StoppingThreshold = Meter.CreateGauge<double>(
        "training.early_stopping.threshold", "1", "Value the next smoothed signal must pass to count against the run.");

    private static readonly Gauge<int> StoppingWait = Meter.CreateGauge<int>(
        "training.early_stopping.wait", "{check}", "Consecutive checks counting against the run (stops at the patience).");

    private static readonly Gauge<int> StoppingStopped = Meter.CreateGauge<int>(
        "training.early_stopping.stopped", "1", "1 once the early-stopping rule has decided to stop, else 0.");

    internal static void Record(string runId, int epoch, CheckResult check, EarlyStoppingSignal signal, EarlyStoppingState state, double? threshold)
    {
        var run = new KeyValuePair<string, object?>(RunIdAttribute, runId);
        CheckEpoch.Record(epoch, run);
        CheckDuration.Record(check.Timings.TotalSeconds, run);
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
}
