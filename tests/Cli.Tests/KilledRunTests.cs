using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Spindle.Cli.Report;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Monitoring;

namespace Spindle.Cli.Tests;

/// <summary>
/// A <c>spindle train --monitor</c> child process killed with SIGKILL mid-run: every record it wrote to <c>monitor.jsonl</c>
/// reads back, and <c>spindle report</c> works on the folder it left.
/// </summary>
[NonParallelizable]
public class KilledRunTests
{
    /// <summary>The guard against a child that never gets going; the test fails, with the child's output, past it.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(4);

    [Test]
    public void Kill_TrainingChildAfterTwoChecks_EveryCompleteLogLineReadsBackAndReportWorks()
    {
        var output = TestFolders.Create();
        var childOutput = new StringBuilder();
        using var child = StartSpindle(childOutput, "train", "--model", "cnn", "--subset", "200", "--batch-size", "50", "--epochs", "500", "--seed", "2", "--threads", "1", "--monitor", "--monitor-budget", "0", "--output", output);
        string? runFolder = null;
        try
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                // A run folder is built under a hidden temporary name and renamed into place: wait for the real one.
                runFolder ??= Directory.GetDirectories(output).SingleOrDefault(d => !Path.GetFileName(d).StartsWith('.'));
                if (runFolder is not null && CompleteLines(Path.Combine(runFolder, InteractionMonitor.LogFileName)) >= 2)
                {
                    break;
                }

                if (child.HasExited || clock.Elapsed > Guard)
                {
                    Assert.Fail($"The child {(child.HasExited ? $"exited ({child.ExitCode})" : $"ran {Guard} without two checks")} before it could be killed:\n{Text(childOutput)}");
                }

                Thread.Sleep(50);
            }
        }
        finally
        {
            // SIGKILL on Linux: no handler, no flush, no finally in the child runs.
            child.Kill();
            child.WaitForExit();
        }

        runFolder = runFolder ?? throw new InvalidOperationException("no run folder");
        var (checks, checkTail) = Split(File.ReadAllText(Path.Combine(runFolder, InteractionMonitor.LogFileName)));
        var (epochs, epochTail) = Split(File.ReadAllText(Path.Combine(runFolder, "metrics.jsonl")));
        var records = checks.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var checkEpochs = records.Select(r => (int)r["epoch"]!).ToList();
        var trainedEpochs = epochs.Select(l => (int)JsonNode.Parse(l)!["epoch"]!).ToList();

        // The trainer's callbacks run in order: the metrics log writes epoch e's line, then the monitor checks epoch e. A
        // kill during that check leaves epoch e in metrics.jsonl without its check: the one check in flight.
        var inFlight = trainedEpochs.Count - checkEpochs.Count;
        TestContext.Out.WriteLine(inFlight == 0
            ? $"Killed between checks: {checkEpochs.Count} checks for {trainedEpochs.Count} finished epochs."
            : $"Killed during the check of epoch {trainedEpochs[^1]}: {checkEpochs.Count} checks for {trainedEpochs.Count} finished epochs (the check in flight was lost, as designed).");
        TestContext.Out.WriteLine($"Incomplete last line of monitor.jsonl: {(checkTail is null ? "none" : $"{checkTail.Length} characters")}; of metrics.jsonl: {(epochTail is null ? "none" : $"{epochTail.Length} characters")}.");
        var error = new StringWriter();
        var reportCode = ReportCommand.Run(runFolder, null, TextWriter.Null, error);
        var markdown = File.ReadAllText(Path.Combine(runFolder, "report", "report.md"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(checkEpochs, Has.Count.GreaterThanOrEqualTo(2));
            Assert.That(checkEpochs, Is.EqualTo(Enumerable.Range(1, checkEpochs.Count)), "one check per epoch, in order, none missing");
            Assert.That(trainedEpochs, Is.EqualTo(Enumerable.Range(1, trainedEpochs.Count)));
            Assert.That(inFlight, Is.InRange(0, 1), "checks match the finished epochs, or lack only the check in flight");
            foreach (var record in records)
            {
                Assert.That((string?)record["format"], Is.EqualTo(InteractionMonitor.FormatName));
                var check = CheckResult.FromJson(record["check"]!.ToJsonString());
                Assert.That(check.Provenance.Epoch, Is.EqualTo((int)record["epoch"]!));
                Assert.That(check.SampleCount, Is.EqualTo(MonitorSetup.ProbeCount));
            }

            Assert.That(reportCode, Is.Zero, error.ToString());
            Assert.That(markdown, Does.Contain($"{checkEpochs.Count} interaction checks, epochs 1-{checkEpochs.Count}"));
            Assert.That(markdown, Does.Contain($"The logs end at epoch {trainedEpochs.Count} of the 500 in `config.json`"));
            if (checkTail is not null)
            {
                Assert.That(error.ToString(), Does.Contain("last line of monitor.jsonl is incomplete"));
            }
        }
    }

    /// <summary>Complete lines (ending in a newline) and the incomplete tail, if any.</summary>
    private static (List<string> Lines, string? Tail) Split(string text)
    {
        var pieces = text.Split('\n');
        return ([.. pieces[..^1].Where(p => p.Length > 0)], pieces[^1].Length > 0 ? pieces[^1] : null);
    }

    private static int CompleteLines(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Count(c => c == '\n');
    }

    /// <summary>Starts the built <c>spindle</c> (spindle.dll beside the tests) under the dotnet host running the tests.</summary>
    private static Process StartSpindle(StringBuilder output, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "spindle.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;

        void Append(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
