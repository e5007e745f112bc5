using System.Globalization;
using Spindle.Monitor.Checks;
using Spindle.Monitor.EarlyStopping;

namespace Spindle.Monitor.Monitoring;

/// <summary>One check of an <see cref="InteractionMonitor"/>: the check, the value the rule saw, the rule's state and its decision.</summary>
/// <param name="Epoch">The epoch of the check.</param>
/// <param name="Check">The check.</param>
/// <param name="Signal">The signal the rule watches.</param>
/// <param name="Value">The signal's value at this check; <see langword="null"/> when Z = 0 (the rule skipped the check).</param>
/// <param name="EarlyStopping">The rule's state after this check.</param>
/// <param name="Threshold">The value the next smoothed signal must exceed (rise rule), beat (no-improvement rule) or exceed for its window's slope to count (slope rule).</param>
/// <param name="Patience">The rule's patience, in checks.</param>
/// <param name="IsBest">Whether this check became the rule's best check.</param>
/// <param name="RuleDecision">The rule's decision, whether or not the monitor acts on it.</param>
/// <param name="Decision">What the monitor returned (<see cref="StopDecision.Continue"/> when <see cref="MonitorOptions.StopTraining"/> is off).</param>
public sealed record MonitorRecord(
    int Epoch,
    CheckResult Check,
    EarlyStoppingSignal Signal,
    double? Value,
    EarlyStoppingState EarlyStopping,
    double? Threshold,
    int Patience,
    bool IsBest,
    StopDecision RuleDecision,
    StopDecision Decision)
{
    /// <summary>Gets a one-line summary for a console, for instance under a training loop's epoch row.</summary>
    /// <returns>The line.</returns>
    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        if (Check.Summary is not { } summary)
        {
            return string.Create(inv, $"check {Check.Timings.TotalSeconds:F1} s: no salient first-order interaction on the probes (Z = 0); rule skipped");
        }

        var interval = Check.Uncertainty?.Interval(CheckMetric.SpindleMass);
        var range = interval is null ? string.Empty : string.Create(inv, $" [{interval.Lower:F2}, {interval.Upper:F2}]");
        var rule = RuleDecision.ShouldStop
            ? "rule: STOP" + (Decision.ShouldStop ? string.Empty : " (advisory)")
            : EarlyStopping.Recent is { Count: > 0 }
            ? string.Create(inv, $"rule: {EarlyStoppingTracker.SignalName(Signal)} {EarlyStopping.Smoothed:F3}, slope {(EarlyStopping.Slope is { } slope ? slope.ToString("+0.000;-0.000", inv) : "(window filling)")}, {EarlyStopping.Wait}/{Patience} rising")
            : string.Create(inv, $"rule: {EarlyStoppingTracker.SignalName(Signal)} median {EarlyStopping.Smoothed:F3}, {EarlyStopping.Wait}/{Patience} past {Threshold:F3}{(IsBest ? ", best" : string.Empty)}");
        return string.Create(inv, $"spindle {summary.SpindleMass:F3}{range}  decay {summary.DecayMass:F3}  cancel {Check.CancellationMass:F3}  {rule}  ({Check.Timings.TotalSeconds:F1} s)");
    }
}
