using System.Text.Json;
using System.Text.Json.Nodes;
using Spindle.Monitor.Checks;
using Spindle.Monitor.EarlyStopping;
using Spindle.Monitor.Monitoring;
using Spindle.Trainers.Training;

namespace Spindle.Cli.Report;

/// <summary>
/// A run folder as <c>spindle report</c> reads it: the monitor's checks (<c>monitor.jsonl</c>, required), the trainer's
/// per-epoch metrics (<c>metrics.jsonl</c>) and settings (<c>config.json</c>), both optional (a plain loop's run folder
/// has only the monitor's log). A last line cut off mid-write (a killed run) is left out with a warning.
/// </summary>
internal sealed class ReportRun
{
    private static readonly JsonSerializerOptions StateJson = new();

    private ReportRun(string folder, IReadOnlyList<ReportCheck> checks, IReadOnlyList<EpochMetrics> metrics, JsonObject? config, IReadOnlyList<string> warnings)
    {
        Folder = folder;
        Checks = checks;
        Metrics = metrics;
        Config = config;
        Warnings = warnings;
    }

    /// <summary>Gets the run folder.</summary>
    public string Folder { get; }

    /// <summary>Gets the run's name: the run identifier the monitor logged, else the folder's name.</summary>
    public string Name => Checks.Count > 0 && Checks[0].Check.Provenance.Run is { Length: > 0 } run ? run : Path.GetFileName(Path.TrimEndingDirectorySeparator(Folder));

    /// <summary>Gets the checks, in log order.</summary>
    public IReadOnlyList<ReportCheck> Checks { get; }

    /// <summary>Gets the per-epoch training metrics; empty without <c>metrics.jsonl</c>.</summary>
    public IReadOnlyList<EpochMetrics> Metrics { get; }

    /// <summary>Gets the run's settings; null without <c>config.json</c>.</summary>
    public JsonObject? Config { get; }

    /// <summary>Gets what the reader left out or could not find, one sentence each.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Reads a run folder.</summary>
    /// <param name="folder">The run folder.</param>
    /// <returns>The run.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no monitor log.</exception>
    /// <exception cref="InvalidDataException">A complete line of a log is not a record of its kind; the message names the file and line.</exception>
    public static ReportRun Read(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"--run {folder}: no such folder.");
        }

        var logPath = Path.Combine(folder, InteractionMonitor.LogFileName);
        if (!File.Exists(logPath))
        {
            throw new FileNotFoundException(
                $"--run {folder}: the folder has no {InteractionMonitor.LogFileName}, so the run was trained without the interaction monitor. Train it with --monitor (spindle train --monitor; spindle demo has it on), or give the folder an InteractionMonitor writes to (MonitorOptions.RunFolder).",
                logPath);
        }

        var warnings = new List<string>();
        var checks = ReadLog(logPath, ParseCheck, warnings);
        if (checks.Count == 0)
        {
            warnings.Add($"{InteractionMonitor.LogFileName} holds no complete check yet.");
        }

        var metricsPath = Path.Combine(folder, TrainingRunner.MetricsFile);
        IReadOnlyList<EpochMetrics> metrics = [];
        if (File.Exists(metricsPath))
        {
            metrics = ReadLog(metricsPath, line => JsonSerializer.Deserialize<EpochMetrics>(line, CheckpointFile.JsonOptions) ?? throw new JsonException("a null line"), warnings);
        }
        else
        {
            warnings.Add($"No {TrainingRunner.MetricsFile} (a run outside the Spindle trainer): no loss or accuracy beside the checks.");
        }

        JsonObject? config = null;
        var configPath = Path.Combine(folder, TrainSettings.ConfigFile);
        if (File.Exists(configPath))
        {
            try
            {
                config = JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject;
            }
            catch (JsonException e)
            {
                warnings.Add($"{TrainSettings.ConfigFile} is not JSON ({e.Message}): settings left out.");
            }
        }

        return new ReportRun(folder, checks, metrics, config, warnings);
    }

    /// <summary>Gets the training metrics of an epoch; null when the run has none for it.</summary>
    /// <param name="epoch">The epoch.</param>
    /// <returns>The metrics.</returns>
    public EpochMetrics? MetricsAt(int epoch) => Metrics.LastOrDefault(m => m.Epoch == epoch);

    private static List<T> ReadLog<T>(string path, Func<string, T> parse, List<string> warnings)
    {
        var name = Path.GetFileName(path);
        var (lines, incomplete) = JsonLines.Read(path);
        var records = new List<T>(lines.Count);
        foreach (var (number, text) in lines)
        {
            try
            {
                records.Add(parse(text));
            }
            catch (Exception e) when (e is JsonException or InvalidDataException or InvalidOperationException or FormatException or ArgumentException)
            {
                throw new InvalidDataException($"{path}, line {number}: not a {name} record ({e.Message}).", e);
            }
        }

        if (incomplete is not null)
        {
            // A writer ends every record with a newline: a last line without one was being written when the process
            // stopped. Take it only if it happens to be a whole record (a file edited by hand).
            try
            {
                records.Add(parse(incomplete));
            }
            catch (Exception e) when (e is JsonException or InvalidDataException or InvalidOperationException or FormatException or ArgumentException)
            {
                warnings.Add($"The last line of {name} is incomplete ({incomplete.Length} characters, no newline: the run was probably killed while writing it); read the {records.Count} complete records before it.");
            }
        }

        return records;
    }

    private static ReportCheck ParseCheck(string line)
    {
        if (JsonNode.Parse(line) is not JsonObject record || (string?)record["format"] != InteractionMonitor.FormatName)
        {
            throw new InvalidDataException($"format is not {InteractionMonitor.FormatName}");
        }

        var check = CheckResult.FromJson((record["check"] ?? throw new InvalidDataException("no check")).ToJsonString());
        var state = record["earlyStopping"]?.Deserialize<EarlyStoppingState>(StateJson) ?? new EarlyStoppingState();
        return new ReportCheck(
            record["epoch"]?.GetValue<int>() ?? throw new InvalidDataException("no epoch"),
            check,
            (string?)record["signal"] ?? "spindle_mass",
            (double?)record["value"],
            (bool?)record["isBest"] ?? false,
            (bool?)record["ruleStop"] ?? false,
            (bool?)record["stop"] ?? false,
            Enum.TryParse<StopReason>((string?)record["reason"], out var reason) ? reason : StopReason.None,
            (string?)record["message"] ?? string.Empty,
            (double?)record["threshold"],
            state);
    }
}
