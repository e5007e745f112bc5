using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Decomposition;

namespace Spindle.Cli.Report;

/// <summary>Writes the markdown of <c>spindle report</c>: the stop, the checks over training beside loss and accuracy, the per-order distributions at a few checks, and the fit warnings.</summary>
internal static class ReportMarkdown
{
    /// <summary>The name of the timeline PNG in the report folder.</summary>
    public const string TimelineFile = "training.png";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Gets the check at which the early-stopping rule first fired; null when it did not.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The check.</returns>
    public static ReportCheck? StopCheck(ReportRun run) => run.Checks.FirstOrDefault(c => c.RuleStop);

    /// <summary>Chooses the checks whose per-order distributions the report shows: the first, the lowest spindle mass, the stop and the last, each once.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The checks with their labels, in epoch order.</returns>
    public static IReadOnlyList<(ReportCheck Check, string Label)> HighlightedChecks(ReportRun run)
    {
        var chosen = new List<(ReportCheck Check, List<string> Labels)>();
        void Add(ReportCheck? check, string label)
        {
            if (check is null)
            {
                return;
            }

            var index = chosen.FindIndex(c => c.Check.Epoch == check.Epoch);
            if (index < 0)
            {
                chosen.Add((check, [label]));
            }
            else
            {
                chosen[index].Labels.Add(label);
            }
        }

        if (run.Checks.Count > 0)
        {
            Add(run.Checks[0], "first check");
            Add(run.Checks.Where(c => c.Check.Summary is not null).MinBy(c => c.Check.Summary!.SpindleMass), "lowest spindle mass");
            Add(StopCheck(run), "the rule fired");
            Add(run.Checks[^1], "last check");
        }

        return [.. chosen.OrderBy(c => c.Check.Epoch).Select(c => (c.Check, string.Join(", ", c.Labels)))];
    }

    /// <summary>The file name of a check's per-order PNG.</summary>
    /// <param name="epoch">The check's epoch.</param>
    /// <returns>The name.</returns>
    public static string OrdersFile(int epoch) => string.Create(Inv, $"orders-epoch-{epoch}.png");

    /// <summary>Writes the report.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The markdown.</returns>
    public static string Write(ReportRun run)
    {
        var md = new StringBuilder();
        var checks = run.Checks;
        md.AppendLine(Inv, $"# Run report: {run.Name}").AppendLine();
        md.AppendLine(Inv, $"Run folder: `{run.Folder}`. ");
        if (checks.Count > 0)
        {
            var trained = run.Metrics.Count > 0
                ? string.Create(Inv, $"; {run.Metrics.Count} epochs of training metrics, epochs {run.Metrics[0].Epoch}-{run.Metrics[^1].Epoch} (`metrics.jsonl`).")
                : ".";
            md.AppendLine(Inv, $"{checks.Count} interaction checks, epochs {checks[0].Epoch}-{checks[^1].Epoch} (`monitor.jsonl`){trained}");
            var first = checks[0].Check;
            md.AppendLine(Inv, $"Probes: {first.SampleCount} samples, n = {first.VariableCount} variables{Describe(first.Provenance)}. All masses are divided by Z, the mean salient first-order strength of the check (appendix K.3).");
        }

        md.AppendLine();
        WriteSettings(md, run.Config);
        if (run.Warnings.Count > 0)
        {
            md.AppendLine("**Reading the run folder:**").AppendLine();
            foreach (var warning in run.Warnings)
            {
                md.AppendLine(Inv, $"- {warning}");
            }

            md.AppendLine();
        }

        if (checks.Count == 0)
        {
            md.AppendLine("No check to report yet.");
            return md.ToString();
        }

        WriteStop(md, run);
        WriteTimeline(md, run);
        WriteOrders(md, run);
        WriteWarnings(md, run);
        return md.ToString();
    }

    private static string Describe(CheckProvenance provenance)
    {
        var parts = new List<string>();
        if (provenance.Split is { } split)
        {
            parts.Add($"{split} split");
        }

        if (provenance.Variables is { } variables)
        {
            parts.Add(variables);
        }

        return parts.Count == 0 ? string.Empty : $" ({string.Join("; ", parts)})";
    }

    private static void WriteSettings(StringBuilder md, JsonObject? config)
    {
        if (config is null)
        {
            return;
        }

        var values = config
            .Where(p => p.Value is JsonValue)
            .Select(p => $"{p.Key} `{(p.Value!.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)p.Value : p.Value.ToJsonString())}`")
            .ToList();
        if (values.Count > 0)
        {
            md.AppendLine(Inv, $"Settings (`config.json`): {string.Join(", ", values)}.").AppendLine();
        }
    }

    private static void WriteStop(StringBuilder md, ReportRun run)
    {
        md.AppendLine("## The stop").AppendLine();
        var checks = run.Checks;
        var last = checks[^1];
        var signal = last.Signal.Replace('_', ' ');
        if (StopCheck(run) is { } stop)
        {
            var acted = stop.Stop
                ? "The monitor stopped training there."
                : run.Metrics.Count > 0 && run.Metrics[^1].Epoch > stop.Epoch
                    ? string.Create(Inv, $"The rule was advisory: training went on to epoch {run.Metrics[^1].Epoch}.")
                    : "The rule was advisory (the monitor did not stop the loop).";
            md.AppendLine(Inv, $"The early-stopping rule (signal: {signal}) **fired at epoch {stop.Epoch}**, reason `{stop.Reason}`: {stop.Message} {acted}");
        }
        else
        {
            var state = last.State;
            var threshold = last.Threshold is { } t ? string.Create(Inv, $" against a threshold of {F(t)}") : string.Empty;
            var smoothed = state.Smoothed is { } s ? string.Create(Inv, $"the smoothed signal was {F(s)}{threshold}, {state.Wait} consecutive checks counting against the run") : "the rule had no value yet";
            md.AppendLine(Inv, $"The early-stopping rule (signal: {signal}) **did not fire** in {checks.Count} checks; at the last check (epoch {last.Epoch}) {smoothed}.");
        }

        if (run.Config?["epochs"] is JsonValue epochsNode && epochsNode.TryGetValue<int>(out var planned)
            && StopCheck(run) is not { Stop: true } && run.Metrics.Count > 0 && run.Metrics[^1].Epoch < planned)
        {
            md.AppendLine().AppendLine(Inv, $"The logs end at epoch {run.Metrics[^1].Epoch} of the {planned} in `config.json`: the run was stopped, killed, or is still running.");
        }

        md.AppendLine();
        var tested = run.Metrics.Where(m => m.Test is not null).ToList();
        var lowest = checks.Where(c => c.Check.Summary is not null).MinBy(c => c.Check.Summary!.SpindleMass);
        if (lowest is not null)
        {
            md.AppendLine(Inv, $"- Lowest spindle mass: {F(lowest.Check.Summary!.SpindleMass)} at epoch {lowest.Epoch}.");
        }

        if (tested.Count > 0)
        {
            var bestLoss = tested.MinBy(m => m.Test!.Loss)!;
            var bestAccuracy = tested.MaxBy(m => m.Test!.Accuracy)!;
            md.AppendLine(Inv, $"- Lowest test loss: {F4(bestLoss.Test!.Loss)} at epoch {bestLoss.Epoch}; best test accuracy: {F4(bestAccuracy.Test!.Accuracy)} at epoch {bestAccuracy.Epoch}.");
            if (StopCheck(run) is { } s && run.MetricsAt(s.Epoch)?.Test is { } atStop)
            {
                md.AppendLine(Inv, $"- At the stop (epoch {s.Epoch}): test accuracy {F4(atStop.Accuracy)}, {F4(bestAccuracy.Test.Accuracy - atStop.Accuracy)} below the best; test loss {F4(atStop.Loss)}.");
            }
        }
        else
        {
            md.AppendLine("- No test metrics in this run folder to compare the stop with.");
        }

        md.AppendLine();
    }

    private static void WriteTimeline(StringBuilder md, ReportRun run)
    {
        md.AppendLine("## Over training").AppendLine();
        md.AppendLine(Inv, $"![Interaction masses with their bootstrap intervals, loss and accuracy per epoch]({TimelineFile})").AppendLine();
        var level = run.Checks.Select(c => c.Check.Uncertainty?.ConfidenceLevel).FirstOrDefault(l => l is not null);
        var interval = level is { } l ? string.Create(Inv, $" [{l * 100:F0}% interval]") : string.Empty;
        md.AppendLine(Inv, $"| epoch | spindle mass{interval} | decay mass{interval} | cancellation mass{interval} | spindle share | R² | train loss | train acc | test loss | test acc | rule | check s |");
        md.AppendLine("| ---: | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |");
        foreach (var c in run.Checks)
        {
            var m = run.MetricsAt(c.Epoch);
            var rule = c.RuleStop ? "**stop**" : c.Value is null ? "skipped (Z = 0)" : string.Create(Inv, $"wait {c.State.Wait}{(c.IsBest ? ", best" : string.Empty)}");
            md.AppendLine(Inv, $"| {c.Epoch} | {Mass(c, CheckMetric.SpindleMass)} | {Mass(c, CheckMetric.DecayMass)} | {Mass(c, CheckMetric.CancellationMass)} | {Opt(c.Check.Summary?.SpindleShare)} | {Opt(c.Check.Summary?.RSquared)} | {Opt4(m?.TrainLoss)} | {Opt4(m?.TrainAccuracy)} | {Opt4(m?.Test?.Loss)} | {Opt4(m?.Test?.Accuracy)} | {rule} | {c.Check.Timings.TotalSeconds:F1} |");
        }

        md.AppendLine();
        var checkSeconds = run.Checks.Average(c => c.Check.Timings.TotalSeconds);
        var trained = run.Metrics.Where(m => run.Checks.Any(c => c.Epoch == m.Epoch)).ToList();
        var share = trained.Count > 0 ? string.Create(Inv, $", against {trained.Average(m => m.TrainSeconds):F2} s of training per epoch ({100 * checkSeconds / trained.Average(m => m.TrainSeconds):F0}%)") : string.Empty;
        md.AppendLine(Inv, $"A check took {checkSeconds:F2} s on average{share}.").AppendLine();
    }

    private static void WriteOrders(StringBuilder md, ReportRun run)
    {
        md.AppendLine("## Per-order distributions").AppendLine();
        md.AppendLine("Bars: A(m),+ and A(m),- of the probes (Eq. 6); curves: the fitted decay (generalizable) and spindle (non-generalizable) parts (Eq. 10); all over Z.").AppendLine();
        foreach (var (check, label) in HighlightedChecks(run))
        {
            var c = check.Check;
            md.AppendLine(Inv, $"### Epoch {check.Epoch}: {label}").AppendLine();
            md.AppendLine(Inv, $"![Per-order distributions at epoch {check.Epoch}]({OrdersFile(check.Epoch)})").AppendLine();
            var scale = c.Z > 0 ? c.Z : 1;
            md.AppendLine(Inv, $"Z = {c.Z:G4}; fit: α {c.Fit.Alpha:F3}, β {c.Fit.Beta:G4}, δ {Opt(c.Fit.Delta, "G4")}, γ {Opt(c.Fit.Gamma)}, R² {c.Fit.RSquared:F3}{(c.Warnings == FitWarnings.None ? string.Empty : $", warnings {c.Warnings}")}.").AppendLine();
            md.AppendLine("| order m | A+ data | A+ decay | A+ spindle | A- data | A- decay | A- spindle |");
            md.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            for (var m = 0; m < c.VariableCount; m++)
            {
                md.AppendLine(Inv, $"| {m + 1} | {F(c.Data.Positive[m] / scale)} | {F(c.Fit.Decay.Positive[m] / scale)} | {F(c.Fit.Spindle.Positive[m] / scale)} | {F(c.Data.Negative[m] / scale)} | {F(c.Fit.Decay.Negative[m] / scale)} | {F(c.Fit.Spindle.Negative[m] / scale)} |");
            }

            md.AppendLine();
        }
    }

    private static void WriteWarnings(StringBuilder md, ReportRun run)
    {
        md.AppendLine("## Fit warnings").AppendLine();
        var flagged = run.Checks.Where(c => c.Check.Warnings != FitWarnings.None || c.Check.AllConverged == false || c.Check.Summary is null).ToList();
        if (flagged.Count == 0)
        {
            md.AppendLine(Inv, $"None in {run.Checks.Count} checks: every fit had R² ≥ 0.5 and no parameter at a bound, and the solver converged on every probe.");
            return;
        }

        foreach (var flag in Enum.GetValues<FitWarnings>().Where(f => f != FitWarnings.None))
        {
            var count = run.Checks.Count(c => c.Check.Warnings.HasFlag(flag));
            if (count > 0)
            {
                md.AppendLine(Inv, $"- `{flag}` in {count} of {run.Checks.Count} checks.");
            }
        }

        md.AppendLine().AppendLine("| epoch | warnings | R² | α | δ | solver converged | note |");
        md.AppendLine("| ---: | --- | ---: | ---: | ---: | --- | --- |");
        foreach (var c in flagged)
        {
            var converged = c.Check.AllConverged switch { true => "yes", false => "no (iteration cap)", null => "unknown" };
            var note = c.Check.Summary is null ? "Z = 0: no salient first-order interaction, no masses" : string.Empty;
            md.AppendLine(Inv, $"| {c.Epoch} | {c.Check.Warnings} | {c.Check.Fit.RSquared:F3} | {c.Check.Fit.Alpha:F3} | {Opt(c.Check.Fit.Delta, "G4")} | {converged} | {note} |");
        }
    }

    private static string Mass(ReportCheck check, CheckMetric metric)
    {
        if (check.Check.Value(metric) is not { } value)
        {
            return "-";
        }

        return check.Interval(metric) is { } i ? $"{F(value)} [{F(i.Lower)}, {F(i.Upper)}]" : F(value);
    }

    // Rounded to zero is written 0.000, not -0.000.
    private static string F(double value) => (Math.Round(value, 3) == 0 ? 0 : value).ToString("F3", Inv);

    private static string F4(double value) => value.ToString("F4", Inv);

    private static string Opt(double? value, string format = "F3") => value is { } v ? v.ToString(format, Inv) : "-";

    private static string Opt4(double? value) => Opt(value, "F4");
}
