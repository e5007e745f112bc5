using Spindle.Monitor.Checks;
using Spindle.Monitor.EarlyStopping;

namespace Spindle.Cli.Report;

/// <summary>One line of <c>monitor.jsonl</c> as the report reads it: the check and what the early-stopping rule made of it.</summary>
/// <param name="Epoch">The epoch of the check.</param>
/// <param name="Check">The check.</param>
/// <param name="Signal">The signal the rule watches, as the log names it (<c>spindle_mass</c>).</param>
/// <param name="Value">The signal's value at this check; null when Z = 0 (the rule skipped it).</param>
/// <param name="IsBest">Whether this check became the rule's best.</param>
/// <param name="RuleStop">Whether the rule had decided to stop by this check.</param>
/// <param name="Stop">Whether the monitor told the loop to stop (false when the rule is advisory).</param>
/// <param name="Reason">The rule's stop reason (<see cref="StopReason.None"/> while it has not fired).</param>
/// <param name="Message">The rule's message.</param>
/// <param name="Threshold">The value the next smoothed signal must pass; null when the log has none.</param>
/// <param name="State">The rule's state after the check.</param>
internal sealed record ReportCheck(
    int Epoch,
    CheckResult Check,
    string Signal,
    double? Value,
    bool IsBest,
    bool RuleStop,
    bool Stop,
    StopReason Reason,
    string Message,
    double? Threshold,
    EarlyStoppingState State)
{
    /// <summary>Gets a metric's bootstrap interval; null without one.</summary>
    /// <param name="metric">The metric.</param>
    /// <returns>The interval.</returns>
    public MetricInterval? Interval(CheckMetric metric) => Check.Uncertainty?.Interval(metric);
}
