using System.CommandLine;
using System.Globalization;
using Spindle.Monitor.Monitoring;
using Spindle.Trainers.Data;
using Spindle.Trainers.Training;
using TorchSharp;

namespace Spindle.Cli;

/// <summary>
/// <c>spindle bench monitor</c>: the interaction monitor's overhead as a share of training time, measured in the same
/// run: the CNN trained with a check after every epoch (no budget: the raw cost of a check against an epoch of training
/// steps) and then with the default check budget (the share the monitor actually takes).
/// </summary>
internal static class BenchMonitorCommand
{
    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var data = new Option<string[]>("--data") { Description = "Training sets, space-separated: 'embedded' (the demo's 4,000-image subset) and/or a Fashion-MNIST directory.", DefaultValueFactory = _ => FashionMnist.IsInstalled ? ["embedded", FashionMnist.DefaultDirectory] : ["embedded"], AllowMultipleArgumentsPerToken = true };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per run.", DefaultValueFactory = _ => 3 };
        var threads = new Option<int?>("--threads") { Description = SpindleCommands.WithDefault("TorchSharp intra-op threads.", "one per core") };
        var output = new Option<string>("--output") { Description = "Folder for the runs' folders (kept, so the logs can be read).", DefaultValueFactory = _ => Path.Combine("runs", "bench-monitor") };
        var command = new Command("monitor", "Measure the interaction monitor's overhead on the CNN: a check every epoch against the epoch's training time, then what the default 10% check budget keeps.")
        {
            data, epochs, threads, output,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            try
            {
                return Task.FromResult(Run(parse.GetValue(data)!, parse.GetValue(epochs), parse.GetValue(threads), parse.GetValue(output)!, cancellationToken));
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"spindle bench monitor: {e.Message}");
                return Task.FromResult(1);
            }
        });
        return command;
    }

    private static int Run(string[] datasets, int epochs, int? threads, string output, CancellationToken cancellationToken)
    {
        if (epochs < 2)
        {
            throw new ArgumentException("--epochs: need at least 2 (the first check always runs; the budget acts from the second).");
        }

        if (threads is < 1)
        {
            throw new ArgumentException("--threads: need at least 1.");
        }

        // Plain lines, not a Spectre table: the runs below silence the console, and Spectre's console keeps the writer it
        // first saw.
        var rows = new List<string> { "| training set | images | train s/epoch (median) | check s (median) | check / train (median) | with the 10% budget: checks | budget run: check s / (train + evaluation s) |", "| --- | --- | --- | --- | --- | --- | --- |" };

        foreach (var name in datasets)
        {
            var directory = name == "embedded" ? null : name;
            var images = directory is null ? EmbeddedFashionMnist.Load(PixelNormalization.FashionMnist).Train.Count : FashionMnist.Load(directory, PixelNormalization.FashionMnist).Train.Count;
            var settings = new TrainSettings
            {
                Model = "cnn",
                Data = directory,
                Epochs = epochs,
                Optimizer = "adam",
                LearningRate = 1e-3,
                BatchSize = 64,
                LabelNoise = 0.01,
                Seed = 0,
                Threads = threads,
                Monitor = true,
            };
            var stem = Path.Combine(output, string.Create(CultureInfo.InvariantCulture, $"{(directory is null ? "embedded" : "full")}-{DateTime.UtcNow:yyyyMMdd-HHmmss}"));
            var every = Train(settings with { MonitorBudget = null }, stem + "-every-epoch", cancellationToken);
            var budget = Train(settings, stem + "-budget", cancellationToken);
            if (every is null || budget is null)
            {
                return 1;
            }

            var train = Median(every.Value.Train);
            var check = Median(every.Value.Checks);

            // With the budget: the checks that ran, and their seconds over the loop's (training and evaluation) over the
            // whole run, from the run's own logs.
            var budgetChecks = budget.Value.Checks.Sum();
            var budgetLoop = budget.Value.Loop;
            rows.Add("| " + string.Join(
                " | ",
                directory ?? "embedded subset",
                images.ToString("N0", CultureInfo.InvariantCulture),
                train.ToString("F2", CultureInfo.InvariantCulture),
                check.ToString("F2", CultureInfo.InvariantCulture),
                Median([.. every.Value.Checks.Zip(every.Value.Train, (c, t) => c / t)]).ToString("P1", CultureInfo.InvariantCulture),
                budget.Value.Log.Count.ToString(CultureInfo.InvariantCulture) + " of " + epochs.ToString(CultureInfo.InvariantCulture),
                (budgetChecks / budgetLoop).ToString("P1", CultureInfo.InvariantCulture)) + " |");
            Console.WriteLine(rows[^1]);
        }

        Console.WriteLine();
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{torch.get_num_threads()} threads. 'check / train': a check's seconds over the same epoch's training-step seconds, in a run with a check every epoch (no budget). The budget run: its checks' seconds over its epochs' training and evaluation seconds."));
        return 0;
    }

    private static (List<double> Train, List<double> Checks, double Loop, IReadOnlyList<System.Text.Json.Nodes.JsonObject> Log)? Train(TrainSettings settings, string runFolder, CancellationToken cancellationToken)
    {
        var previous = Console.Out;
        Console.SetOut(TextWriter.Null);
        int code;
        try
        {
            code = TrainCommand.Execute("bench monitor", settings, runFolder, resume: false, [], cancellationToken);
        }
        finally
        {
            Console.SetOut(previous);
        }

        if (code != 0)
        {
            Console.Error.WriteLine($"spindle bench monitor: training in {runFolder} failed (exit code {code}).");
            return null;
        }

        var metrics = MetricsLogCallback.Read(Path.Combine(runFolder, TrainingRunner.MetricsFile));
        var log = InteractionMonitor.ReadLog(Path.Combine(runFolder, InteractionMonitor.LogFileName));
        var checks = log.ToDictionary(l => (int)l["epoch"]!, l => Spindle.Monitor.Checks.CheckResult.FromJson(l["check"]!.ToJsonString()).Timings.TotalSeconds);
        var train = metrics.Where(m => checks.ContainsKey(m.Epoch)).Select(m => m.TrainSeconds).ToList();
        return (train, [.. metrics.Where(m => checks.ContainsKey(m.Epoch)).Select(m => checks[m.Epoch])], metrics.Sum(m => m.TrainSeconds + m.EvalSeconds), log);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : 0.5 * (sorted[middle - 1] + sorted[middle]);
    }
}
