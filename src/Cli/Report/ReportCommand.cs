using System.CommandLine;
using Spindle.Monitor.IO;

namespace Spindle.Cli.Report;

/// <summary>
/// <c>spindle report --run DIR</c>: reads a run folder's <c>monitor.jsonl</c> (with <c>metrics.jsonl</c> and
/// <c>config.json</c> when present) and writes a markdown report with PNG plots: the masses and their intervals over
/// epochs beside loss and accuracy, the per-order distributions at a few checks, the stop and the fit warnings.
/// </summary>
internal static class ReportCommand
{
    /// <summary>The name of the markdown file in the report folder.</summary>
    public const string MarkdownFile = "report.md";

    /// <summary>The default report folder's name inside the run folder.</summary>
    public const string DefaultFolder = "report";

    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = SpindleCommands.WithDefault("The run folder to report on; it must hold monitor.jsonl (train with --monitor).", "none, required"), Required = true };
        var output = new Option<string?>("--output") { Description = SpindleCommands.WithDefault($"Folder for {MarkdownFile} and the PNGs.", $"{DefaultFolder}/ inside the run folder") };
        var command = new Command("report", "Write a markdown report with PNG plots of a monitored run: spindle, decay and cancellation mass over epochs beside loss and accuracy, per-order distributions, the stop, fit warnings.")
        {
            run, output,
        };
        command.SetAction(parse => Run(parse.GetValue(run)!, parse.GetValue(output), Console.Out, Console.Error));
        return command;
    }

    /// <summary>Writes the report.</summary>
    /// <param name="runFolder">The run folder.</param>
    /// <param name="outputFolder">The report folder; null for <c>report/</c> inside the run folder.</param>
    /// <param name="output">Where the written paths go.</param>
    /// <param name="error">Where warnings and errors go.</param>
    /// <returns>0 on success, 1 when the run folder cannot be reported on.</returns>
    public static int Run(string runFolder, string? outputFolder, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(runFolder);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            var run = ReportRun.Read(runFolder);
            foreach (var warning in run.Warnings)
            {
                error.WriteLine($"spindle report: warning: {warning}");
            }

            var folder = outputFolder ?? Path.Combine(runFolder, DefaultFolder);
            Directory.CreateDirectory(folder);
            var written = new List<string>();
            if (run.Checks.Count > 0)
            {
                var timeline = Path.Combine(folder, ReportMarkdown.TimelineFile);
                ReportPlots.SaveTimeline(run, ReportMarkdown.StopCheck(run)?.Epoch, timeline);
                written.Add(timeline);
                foreach (var (check, label) in ReportMarkdown.HighlightedChecks(run))
                {
                    var path = Path.Combine(folder, ReportMarkdown.OrdersFile(check.Epoch));
                    ReportPlots.SaveOrders(run, check, label, path);
                    written.Add(path);
                }
            }

            var markdown = Path.Combine(folder, MarkdownFile);
            AtomicFile.WriteAllText(markdown, ReportMarkdown.Write(run));
            output.WriteLine($"Report: {markdown} ({run.Checks.Count} checks; plots: {(written.Count == 0 ? "none" : string.Join(", ", written.Select(Path.GetFileName)))})");
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            error.WriteLine($"spindle report: {e.Message}");
            return 1;
        }
    }
}
