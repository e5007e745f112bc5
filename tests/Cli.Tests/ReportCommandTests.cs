using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using Spindle.Cli.Report;
using Spindle.Monitor.EarlyStopping;
using Spindle.Monitor.Masking;
using Spindle.Monitor.Monitoring;
using Spindle.Trainers.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Cli.Tests;

/// <summary>
/// <c>spindle report --run</c> on real run folders: one trained with <c>spindle train --monitor</c> (once for the fixture),
/// one from a plain TorchSharp loop whose early-stopping rule fired. Every number asserted is read back from the run's own
/// logs with <see cref="JsonNode"/>, independently of the report's reader.
/// </summary>
[NonParallelizable]
public class ReportCommandTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private string _trainedRun = null!;

    [OneTimeSetUp]
    public void TrainMonitoredRun()
    {
        _trainedRun = Path.Combine(TestFolders.Create(), "cnn-run");
        var settings = new TrainSettings { Model = "cnn", Epochs = 3, Subset = 200, BatchSize = 50, Seed = 5, LabelNoise = 0.1, Monitor = true, MonitorBudget = null, Threads = 1 };
        var previous = Console.Out;
        Console.SetOut(new StringWriter());
        try
        {
            Assert.That(TrainCommand.Execute("train", settings, _trainedRun, resume: false, [], CancellationToken.None), Is.Zero);
        }
        finally
        {
            Console.SetOut(previous);
        }
    }

    [Test]
    public void Run_MonitoredTrainingRun_MarkdownHoldsEachCheckAndEpochReadBackFromTheLogs()
    {
        var run = CopyOf(_trainedRun);
        var (code, markdown, errors) = Report(run);
        var records = LogLines(run);
        var metrics = File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        var last = records[^1];
        var lowest = records.MinBy(r => (double)r["check"]!["summary"]!["SpindleMass"]!)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero, errors);
            Assert.That(records, Has.Count.EqualTo(3));
            Assert.That(markdown, Does.Contain("# Run report: cnn-run"));
            foreach (var record in records)
            {
                // The row of each check: epoch, the three masses with their bootstrap intervals (3 decimals, as written), then
                // the trainer's losses and accuracies of the same epoch (4 decimals).
                var epoch = (int)record["epoch"]!;
                var m = metrics.Single(x => (int)x["epoch"]! == epoch);
                var row = $"| {epoch} | {Mass(record, "SpindleMass", "spindleMass")} | {Mass(record, "DecayMass", "decayMass")} | {Mass(record, null, "cancellationMass")} | {F3((double)record["check"]!["summary"]!["SpindleShare"]!)} | {F3((double)record["check"]!["summary"]!["RSquared"]!)} | {F4((double)m["trainLoss"]!)} | {F4((double)m["trainAccuracy"]!)} | {F4((double)m["test"]!["loss"]!)} | {F4((double)m["test"]!["accuracy"]!)} |";
                Assert.That(markdown, Does.Contain(row), $"epoch {epoch}");
            }

            // The rule did not fire in 3 checks (warm-up); the report says so with the last state the log holds.
            Assert.That(records.Any(r => (bool)r["ruleStop"]!), Is.False);
            Assert.That(markdown, Does.Contain($"**did not fire** in 3 checks; at the last check (epoch 3) the smoothed signal was {F3((double)last["earlyStopping"]!["smoothed"]!)}"));
            Assert.That(markdown, Does.Contain($"- Lowest spindle mass: {F3((double)lowest["check"]!["summary"]!["SpindleMass"]!)} at epoch {(int)lowest["epoch"]!}."));

            // The per-order table of the last check: A(1),+ and A(1),- of the data and the fitted parts, over Z.
            var check = last["check"]!;
            var z = (double)check["z"]!;
            double At(string part, string sign) => (double)(part == "data" ? check["data"]! : check["fit"]![part]!)[sign]![0]! / z;
            Assert.That(markdown, Does.Contain($"### Epoch 3: last check"));
            Assert.That(markdown, Does.Contain($"| 1 | {F3(At("data", "positive"))} | {F3(At("decay", "positive"))} | {F3(At("spindle", "positive"))} | {F3(At("data", "negative"))} | {F3(At("decay", "negative"))} | {F3(At("spindle", "negative"))} |"));

            // Fit warnings: every flag the log holds is counted.
            foreach (var flag in records.SelectMany(r => ((string)r["check"]!["fit"]!["warnings"]!).Split(", ", StringSplitOptions.RemoveEmptyEntries)).Distinct().Where(f => f != "None"))
            {
                var count = records.Count(r => ((string)r["check"]!["fit"]!["warnings"]!).Contains(flag, StringComparison.Ordinal));
                Assert.That(markdown, Does.Contain($"- `{flag}` in {count} of 3 checks."));
            }

            // PNGs: the timeline (three panels: masses, loss, accuracy) and one per highlighted check.
            AssertPng(Path.Combine(run, "report", "training.png"), 1150, 990);
            AssertPng(Path.Combine(run, "report", "orders-epoch-1.png"), 900, 560);
            AssertPng(Path.Combine(run, "report", "orders-epoch-3.png"), 900, 560);
            AssertPng(Path.Combine(run, "report", $"orders-epoch-{(int)lowest["epoch"]!}.png"), 900, 560);
        }
    }

    [Test]
    public void Run_LogWhoseLastLineWasCutOff_ReportsTheCompleteChecksAndWarns()
    {
        var run = CopyOf(_trainedRun);
        var log = Path.Combine(run, InteractionMonitor.LogFileName);
        var lines = File.ReadAllLines(log);

        // A process killed mid-write leaves part of a line and no newline.
        File.AppendAllText(log, lines[^1][..(lines[^1].Length / 2)]);
        var output = Path.Combine(TestFolders.Create(), "elsewhere");
        var (code, markdown, errors) = Report(run, output);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero, errors);
            Assert.That(errors, Does.Contain("last line of monitor.jsonl is incomplete").And.Contain("read the 3 complete records"));
            Assert.That(markdown, Does.Contain("3 interaction checks, epochs 1-3"));
            Assert.That(File.Exists(Path.Combine(output, "training.png")), Is.True, "--output is honoured");
            Assert.That(Directory.Exists(Path.Combine(run, "report")), Is.False, "nothing written to the default folder when --output is given");
        }
    }

    [Test]
    public void Run_FolderWithoutMonitorLog_SaysToTrainWithMonitor()
    {
        var run = CopyOf(_trainedRun);
        File.Delete(Path.Combine(run, InteractionMonitor.LogFileName));
        var error = new StringWriter();
        var code = ReportCommand.Run(run, null, TextWriter.Null, error);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain("--run").And.Contain("no monitor.jsonl").And.Contain("--monitor"));
        }
    }

    [Test]
    public void Run_CorruptLineInsideTheLog_NamesFileAndLine()
    {
        var run = CopyOf(_trainedRun);
        var log = Path.Combine(run, InteractionMonitor.LogFileName);
        var lines = File.ReadAllLines(log);
        lines[1] = "{\"format\":\"something else\"}";
        File.WriteAllLines(log, lines);
        var error = new StringWriter();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ReportCommand.Run(run, null, TextWriter.Null, error), Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain("monitor.jsonl, line 2"));
        }
    }

    [Test]
    public void Run_PlainLoopRunWhoseRuleFired_ReportsTheStopWithoutTrainerFiles()
    {
        var run = Path.Combine(TestFolders.Create(), "plain-loop");
        var stoppedAt = TrainPlainLoop(run, stopTraining: true);
        var records = LogLines(run);
        var stop = records.First(r => (bool)r["ruleStop"]!);
        var (code, markdown, errors) = Report(run);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero, errors);
            Assert.That((int)stop["epoch"]!, Is.EqualTo(stoppedAt), "the loop stopped where the log says the rule fired");
            Assert.That(records, Has.Count.EqualTo(stoppedAt));
            Assert.That(markdown, Does.Contain($"**fired at epoch {stoppedAt}**, reason `{(string)stop["reason"]!}`: {(string)stop["message"]!} The monitor stopped training there."));
            Assert.That(markdown, Does.Contain($"### Epoch {stoppedAt}: the rule fired, last check").Or.Contain($"### Epoch {stoppedAt}: lowest spindle mass, the rule fired, last check"));
            Assert.That(errors, Does.Contain("No metrics.jsonl"));
            Assert.That(markdown, Does.Contain("No test metrics in this run folder"));
            AssertPng(Path.Combine(run, "report", "training.png"), 1150, 330);
        }
    }

    [Test]
    public void Run_AdvisoryRuleThatFired_SaysWhereItWouldHaveStopped()
    {
        var run = Path.Combine(TestFolders.Create(), "advisory-loop");
        var epochs = TrainPlainLoop(run, stopTraining: false);
        var records = LogLines(run);
        var stop = records.First(r => (bool)r["ruleStop"]!);
        var (code, markdown, errors) = Report(run);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero, errors);
            Assert.That(epochs, Is.EqualTo(3), "advisory: the loop ran every epoch");
            Assert.That(records.Select(r => (bool)r["stop"]!), Is.All.False, "the monitor never told the loop to stop");
            Assert.That(markdown, Does.Contain($"**fired at epoch {(int)stop["epoch"]!}**, reason `{(string)stop["reason"]!}`: {(string)stop["message"]!} The rule was advisory"));
            Assert.That(markdown, Does.Contain($"### Epoch {(int)stop["epoch"]!}: ").And.Contain("the rule fired"));
        }
    }

    /// <summary>An ordinary loop of up to 3 epochs with the monitor and a rule that fires at its second check: no improvement below 1% of the first check for one check.</summary>
    /// <returns>The epoch at which the loop stopped (the last epoch when the rule is advisory).</returns>
    private static int TrainPlainLoop(string runFolder, bool stopTraining)
    {
        var train = EmbeddedFashionMnist.Load(PixelNormalization.FashionMnist).Train.Select([.. Enumerable.Range(0, 200)]);
        torch.random.manual_seed(0);
        using var model = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 32), nn.ReLU(), nn.Linear(32, 10));
        using var optimizer = torch.optim.Adam(model.parameters(), 1e-3);
        var (probes, labels) = train.Batch([.. Enumerable.Range(0, 6)]);
        var variables = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.RandomCentral(6, seed: 0, margin: 0));
        var options = new MonitorOptions
        {
            RunFolder = runFolder,
            CheckBudget = null,
            StopTraining = stopTraining,
            EarlyStopping = new EarlyStoppingOptions { Mode = EarlyStoppingMode.NoImprovement, Patience = 1, WarmUpChecks = 0, Smoothing = 1, MinDelta = 0.99, MinDeltaKind = MinDeltaKind.Relative },
        };
        using var monitor = new InteractionMonitor(model, variables, probes, labels.data<long>().ToArray(), options);
        probes.Dispose();
        labels.Dispose();
        const int Epochs = 3;
        for (var epoch = 1; epoch <= Epochs; epoch++)
        {
            for (var start = 0; start < train.Count; start += 50)
            {
                using var scope = torch.NewDisposeScope();
                var (x, y) = train.Batch([.. Enumerable.Range(start, 50)]);
                optimizer.zero_grad();
                nn.functional.cross_entropy(model.call(x), y).backward();
                optimizer.step();
            }

            if (monitor.OnEpochEnd(epoch).ShouldStop)
            {
                return epoch;
            }
        }

        return Epochs;
    }

    private static (int Code, string Markdown, string Errors) Report(string run, string? output = null)
    {
        var error = new StringWriter();
        var code = ReportCommand.Run(run, output, TextWriter.Null, error);
        var path = Path.Combine(output ?? Path.Combine(run, "report"), "report.md");
        return (code, File.Exists(path) ? File.ReadAllText(path) : string.Empty, error.ToString());
    }

    private static List<JsonNode> LogLines(string run) =>
        [.. File.ReadAllLines(Path.Combine(run, InteractionMonitor.LogFileName)).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!)];

    private static string Mass(JsonNode record, string? summaryName, string metric)
    {
        var check = record["check"]!;
        var value = summaryName is null ? (double)check["cancellationMass"]! : (double)check["summary"]![summaryName]!;
        var interval = check["uncertainty"]!["intervals"]![metric]!;
        return $"{F3(value)} [{F3((double)interval["lower"]!)}, {F3((double)interval["upper"]!)}]";
    }

    private static string F3(double value) => (Math.Round(value, 3) == 0 ? 0 : value).ToString("F3", Inv);

    private static string F4(double value) => value.ToString("F4", Inv);

    /// <summary>A PNG with the given size (from its IHDR chunk), of non-trivial size, and not blank (many colours).</summary>
    private static void AssertPng(string path, int width, int height)
    {
        Assert.That(File.Exists(path), Is.True, path);
        var bytes = File.ReadAllBytes(path);
        Assert.That(bytes.AsSpan(0, 8).ToArray(), Is.EqualTo(PngSignature), $"{path}: PNG signature");
        Assert.That(System.Text.Encoding.ASCII.GetString(bytes, 12, 4), Is.EqualTo("IHDR"), path);
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), Is.EqualTo(width), $"{path}: width");
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)), Is.EqualTo(height), $"{path}: height");
        Assert.That(bytes, Has.Length.GreaterThan(20_000), $"{path}: a plot with lines, bars and text is well over 20 kB");
        using var image = new ScottPlot.Image(bytes);
        var colours = image.GetArrayRGB().Cast<byte>().Chunk(3).Select(p => (p[0] << 16) | (p[1] << 8) | p[2]).Distinct().Count();
        Assert.That(colours, Is.GreaterThan(50), $"{path}: anti-aliased lines, fills and text give many colours; a blank image has one");
    }

    private static string CopyOf(string run)
    {
        var copy = Path.Combine(TestFolders.Create(), Path.GetFileName(run));
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(run))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }
}
