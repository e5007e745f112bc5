using System.Globalization;
using Spindle.Monitor.Checks;
using Spindle.Monitor.EarlyStopping;

namespace Spindle.Cli.Experiments;

/// <summary>The value of each check a candidate rule watches; lower is more generalizable for all of them.</summary>
internal enum StudySignal
{
    /// <summary>The fitted spindle mass over Z (δ held after the first check, the check's default).</summary>
    SpindleMass,

    /// <summary>The model-free cancellation mass over Z.</summary>
    CancellationMass,

    /// <summary>Spindle mass over spindle plus decay mass.</summary>
    SpindleShare,

    /// <summary>Spindle mass over decay mass: the spindle's growth relative to the decay's.</summary>
    SpindleOverDecay,
}

/// <summary>Which weights a rule keeps when it fires.</summary>
internal enum StudyRestore
{
    /// <summary>The weights at the check that fired.</summary>
    None,

    /// <summary>The weights of the check just before the streak that fired began.</summary>
    BeforeStreak,

    /// <summary>The weights of the rule's best check (lowest signal).</summary>
    Best,
}

/// <summary>One check of a run as a rule sees it.</summary>
/// <param name="Epoch">The epoch of the check.</param>
/// <param name="Value">The watched signal.</param>
/// <param name="Check">The check (for bootstrap comparisons).</param>
internal readonly record struct SeriesPoint(int Epoch, double Value, CheckResult Check);

/// <summary>What a rule did on one series: the index of the check that fired (null: never), the streak length then, and its best check.</summary>
/// <param name="FiredAt">Index of the firing check, or null.</param>
/// <param name="Streak">Consecutive checks that counted against the run when it fired.</param>
/// <param name="Best">Index of the rule's best check when it fired (or at the end).</param>
internal readonly record struct RuleTrace(int? FiredAt, int Streak, int Best);

/// <summary>The outcome of a rule on one run.</summary>
/// <param name="Fired">Whether it stopped training.</param>
/// <param name="StopEpoch">The last epoch trained.</param>
/// <param name="KeptEpoch">The epoch whose weights are kept.</param>
internal readonly record struct RuleOutcome(bool Fired, int StopEpoch, int KeptEpoch);

/// <summary>A candidate stopping rule of the study, simulated on a saved series of checks.</summary>
internal abstract record StoppingRule(StudySignal Signal, int Patience, int WarmUp)
{
    /// <summary>Gets the family of the rule, for the report.</summary>
    public abstract string Family { get; }

    /// <summary>Gets a short description of the rule's parameters.</summary>
    public abstract string Parameters { get; }

    /// <summary>Gets the value of a check this rule watches, or null where the check has none (Z = 0).</summary>
    /// <param name="check">The check.</param>
    /// <param name="signal">The signal.</param>
    /// <returns>The value.</returns>
    public static double? ValueOf(CheckResult check, StudySignal signal)
    {
        if (check.Summary is not { } summary)
        {
            return null;
        }

        return signal switch
        {
            StudySignal.SpindleMass => summary.SpindleMass,
            StudySignal.CancellationMass => check.CancellationMass,
            StudySignal.SpindleShare => summary.SpindleShare,
            StudySignal.SpindleOverDecay => summary.DecayMass > 0 ? summary.SpindleMass / summary.DecayMass : null,
            _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, null),
        };
    }

    /// <summary>Gets the series a rule on <paramref name="signal"/> sees in a recorded run: every check with a value.</summary>
    /// <param name="run">The run.</param>
    /// <param name="signal">The signal.</param>
    /// <returns>The series.</returns>
    public static IReadOnlyList<SeriesPoint> Series(RecordedRun run, StudySignal signal) =>
        [.. run.Epochs
            .Where(e => e.Check is not null && ValueOf(e.Check, signal) is not null)
            .Select(e => new SeriesPoint(e.Epoch, ValueOf(e.Check!, signal)!.Value, e.Check!))];

    /// <summary>Gets the library's <see cref="EarlyStoppingTracker"/> options that are this rule, or null where the tracker has no such rule.</summary>
    public abstract EarlyStoppingOptions? TrackerOptions { get; }

    /// <summary>Runs the rule over a series: through the library's tracker where it has the rule, so that the study simulates the shipped code.</summary>
    /// <param name="series">The checks in order.</param>
    /// <returns>What it did.</returns>
    public virtual RuleTrace Trace(IReadOnlyList<SeriesPoint> series)
    {
        var options = TrackerOptions ?? throw new InvalidOperationException($"{Family} has no tracker rule.");
        var tracker = new EarlyStoppingTracker(options);
        for (var i = 0; i < series.Count; i++)
        {
            if (tracker.Update(series[i].Value).ShouldStop)
            {
                return new RuleTrace(i, tracker.Wait, tracker.BestCheck ?? i);
            }
        }

        return new RuleTrace(null, tracker.Wait, tracker.BestCheck ?? 0);
    }

    /// <summary>Gets the tracker's name of a signal; spindle over decay has none, and is labelled as the spindle mass (the tracker only uses the name in messages).</summary>
    /// <param name="signal">The study's signal.</param>
    /// <returns>The tracker's signal.</returns>
    protected static EarlyStoppingSignal TrackerSignal(StudySignal signal) => signal switch
    {
        StudySignal.CancellationMass => EarlyStoppingSignal.CancellationMass,
        StudySignal.SpindleShare => EarlyStoppingSignal.SpindleShare,
        _ => EarlyStoppingSignal.SpindleMass,
    };

    /// <summary>Simulates the rule on a run with a restore choice.</summary>
    /// <param name="run">The run (the monitor arm: a check every epoch, trained to the end).</param>
    /// <param name="series">The run's series for this rule's signal.</param>
    /// <param name="restore">What to keep when it fires.</param>
    /// <returns>The outcome; a rule that never fires keeps the final weights.</returns>
    public RuleOutcome Simulate(RecordedRun run, IReadOnlyList<SeriesPoint> series, StudyRestore restore)
    {
        var trace = Trace(series);
        if (trace.FiredAt is not int fired)
        {
            return new RuleOutcome(false, run.LastEpoch, run.LastEpoch);
        }

        var stop = series[fired].Epoch;
        var kept = restore switch
        {
            StudyRestore.None => stop,
            StudyRestore.BeforeStreak => series[Math.Max(0, fired - trace.Streak)].Epoch,
            StudyRestore.Best => series[trace.Best].Epoch,
            _ => throw new ArgumentOutOfRangeException(nameof(restore), restore, null),
        };
        return new RuleOutcome(true, stop, kept);
    }

    /// <summary>Formats a number for a rule description.</summary>
    /// <param name="value">The number.</param>
    /// <returns>Its invariant text.</returns>
    protected static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}

/// <summary>
/// Rise above the running minimum, through the library's <see cref="EarlyStoppingTracker"/>: the median of the last
/// <see cref="Smoothing"/> checks exceeds (1 + <see cref="RelativeDelta"/>) times its running minimum for
/// <see cref="StoppingRule.Patience"/> checks in a row. With smoothing 1 it is the "k x minimum" rule.
/// </summary>
internal sealed record RiseAboveMinimumRule(StudySignal Signal, int Smoothing, double RelativeDelta, int Patience, int WarmUp)
    : StoppingRule(Signal, Patience, WarmUp)
{
    /// <inheritdoc/>
    public override string Family => Smoothing > 1 ? "smoothed threshold" : "k × minimum";

    /// <inheritdoc/>
    public override string Parameters => $"median of {Smoothing}, > {F(1 + RelativeDelta)}× running min, patience {Patience}, warm-up {WarmUp}";

    /// <inheritdoc/>
    public override EarlyStoppingOptions TrackerOptions => new()
    {
        Signal = TrackerSignal(Signal),
        Mode = EarlyStoppingMode.RiseAboveMinimum,
        Smoothing = Smoothing,
        MinDelta = RelativeDelta,
        MinDeltaKind = MinDeltaKind.Relative,
        Patience = Patience,
        WarmUpChecks = WarmUp,
    };

}

/// <summary>Classic patience through the library's tracker: no improvement on the best smoothed value for <see cref="StoppingRule.Patience"/> checks.</summary>
internal sealed record NoImprovementRule(StudySignal Signal, int Smoothing, double RelativeDelta, int Patience, int WarmUp)
    : StoppingRule(Signal, Patience, WarmUp)
{
    /// <inheritdoc/>
    public override string Family => "no improvement";

    /// <inheritdoc/>
    public override string Parameters => $"median of {Smoothing}, improvement below {F(RelativeDelta * 100)}%, patience {Patience}, warm-up {WarmUp}";

    /// <inheritdoc/>
    public override EarlyStoppingOptions TrackerOptions => new()
    {
            Signal = TrackerSignal(Signal),
            Mode = EarlyStoppingMode.NoImprovement,
            Smoothing = Smoothing,
            MinDelta = RelativeDelta,
            MinDeltaKind = MinDeltaKind.Relative,
            Patience = Patience,
            WarmUpChecks = WarmUp,
    };
}

/// <summary>
/// Slope: the least-squares slope of the last <see cref="Window"/> values (raw, or medians of <see cref="Smoothing"/> checks), per check and relative to their mean,
/// exceeds <see cref="RelativeSlope"/> for <see cref="StoppingRule.Patience"/> checks in a row.
/// </summary>
internal sealed record SlopeRule(StudySignal Signal, int Smoothing, int Window, double RelativeSlope, int Patience, int WarmUp)
    : StoppingRule(Signal, Patience, WarmUp)
{
    /// <inheritdoc/>
    public override string Family => "slope";

    /// <inheritdoc/>
    public override string Parameters => $"{(Smoothing > 1 ? $"median of {Smoothing}, " : string.Empty)}slope over {Window} checks > {F(RelativeSlope * 100)}% of their mean per check, patience {Patience}, warm-up {WarmUp}";

    /// <inheritdoc/>
    public override EarlyStoppingOptions TrackerOptions => new()
    {
        Signal = TrackerSignal(Signal),
        Mode = EarlyStoppingMode.Slope,
        Smoothing = Smoothing,
        SlopeWindow = Window,
        MinDelta = RelativeSlope,
        MinDeltaKind = MinDeltaKind.Relative,
        Patience = Patience,
        WarmUpChecks = WarmUp,
    };
}

/// <summary>
/// Bootstrap significance: the paired bootstrap interval of the change from the lowest check so far to the current
/// one (<see cref="CheckComparison.Compare"/>) lies above zero and the rise exceeds <see cref="RelativeRise"/> of the
/// lowest value, for <see cref="StoppingRule.Patience"/> checks in a row.
/// </summary>
internal sealed record SignificantRiseRule(StudySignal Signal, double RelativeRise, int Patience, int WarmUp)
    : StoppingRule(Signal, Patience, WarmUp)
{
    /// <inheritdoc/>
    public override string Family => "bootstrap significance";

    /// <inheritdoc/>
    public override string Parameters => $"paired 90% interval above 0 and > {F(1 + RelativeRise)}× the lowest check, patience {Patience}, warm-up {WarmUp}";

    /// <inheritdoc/>
    public override EarlyStoppingOptions? TrackerOptions => null;

    /// <summary>Gets the check metric of the signal, or null where checks carry no replicates of it.</summary>
    public CheckMetric? Metric => Signal switch
    {
        StudySignal.SpindleMass => CheckMetric.SpindleMass,
        StudySignal.CancellationMass => CheckMetric.CancellationMass,
        StudySignal.SpindleShare => CheckMetric.SpindleShare,
        _ => null,
    };

    /// <inheritdoc/>
    public override RuleTrace Trace(IReadOnlyList<SeriesPoint> series)
    {
        var metric = Metric ?? throw new InvalidOperationException($"No bootstrap replicates of {Signal}.");
        var streak = 0;
        var best = 0;
        for (var i = 0; i < series.Count; i++)
        {
            if (series[i].Value < series[best].Value)
            {
                best = i;
            }

            var against = false;
            if (i >= WarmUp && best != i && series[i].Value > (1 + RelativeRise) * series[best].Value)
            {
                try
                {
                    var change = CheckComparison.Compare(series[best].Check, series[i].Check, metric);
                    against = change.IsSignificant && change.Difference > 0;
                }
                catch (InvalidOperationException)
                {
                    // Fewer than two valid replicate pairs: no evidence of a rise.
                    against = false;
                }
            }

            streak = against ? streak + 1 : 0;
            if (streak >= Patience)
            {
                return new RuleTrace(i, streak, best);
            }
        }

        return new RuleTrace(null, streak, best);
    }
}
