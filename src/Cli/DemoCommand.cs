using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Spindle.Monitor.Metrics;
using Spindle.Monitor.Monitoring;
using Spindle.Trainers.Training;

namespace Spindle.Cli;

/// <summary><c>spindle demo</c>: the main job, the pilot's CNN on the embedded Fashion-MNIST subset with 1% label noise, trained until it overfits.</summary>
internal static class DemoCommand
{
    /// <summary>The demo's settings: the pilot's CNN and optimizer on the embedded subset, 1% of the labels flipped.</summary>
    internal static TrainSettings Settings { get; } = new()
    {
        Model = "cnn",
        Data = null,
        Epochs = 20,
        Optimizer = "adam",
        LearningRate = 1e-3,
        BatchSize = 64,
        LabelNoise = 0.01,
        Seed = 0,

        // The interaction monitor runs by default and is advisory: the demo trains on to show the overfitting. It checks
        // after every epoch, with no budget, so that the curve is complete (on 4,000 images a check costs about as much
        // as an epoch of training; spindle train --monitor keeps checks within 10% of the loop's time by default).
        Monitor = true,
        MonitorBudget = null,

        // An epoch checkpoint every 5 epochs (9.9 MB each, 4 in 20 epochs) for spindle extract --epoch; last.ckpt and
        // best.ckpt are always written.
        CheckpointEvery = 5,

        // Threads: TorchSharp's default, one per core. On an idle 2-core machine a batch-64 step of
        // this CNN took 0.023 s with 2 threads against 0.039 s with 1; on a machine busy with other
        // jobs 2 threads can be several times slower (OpenMP threads waiting for each other), and
        // --threads 1 is then the better choice.
        Threads = null,
    };

    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var epochs = new Option<int>("--epochs") { Description = "Epochs to train.", DefaultValueFactory = _ => Settings.Epochs };
        var seed = new Option<int>("--seed") { Description = "Seed of initialisation, shuffling and label noise.", DefaultValueFactory = _ => Settings.Seed };
        var output = new Option<string>("--output") { Description = "Folder that receives the new run folder (named demo-yyyyMMdd-HHmmss, with -2, -3, ... when taken).", DefaultValueFactory = _ => "runs" };
        var threads = new Option<int?>("--threads") { Description = SpindleCommands.WithDefault("TorchSharp intra-op threads (1 is faster on a machine busy with other jobs).", "one per core") };
        // The demo serves its metrics unless told otherwise, on the port the shipped Prometheus configuration scrapes.
        var metricsPort = TrainCommand.MetricsPortOption();
        metricsPort.DefaultValueFactory = _ => PrometheusEndpoint.DefaultPort;
        metricsPort.Description = "Serve the interaction monitor's metrics for Prometheus at http://127.0.0.1:PORT/metrics while training (grafana/ holds the Prometheus configuration and the Grafana dashboard; a taken port is reported and training continues).";
        var otlpEndpoint = OtlpExport.EndpointOption();
        var otlpProtocol = OtlpExport.ProtocolOption();
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Keep a checkpoint every K epochs in the run folder's checkpoints/ (9.9 MB each; for 'spindle extract --epoch'); 0 for none.", DefaultValueFactory = _ => Settings.CheckpointEvery };
        var keepCheckpoints = new Option<int>("--keep-checkpoints") { Description = "Keep only the most recent N epoch checkpoints (0 keeps all).", DefaultValueFactory = _ => Settings.KeepCheckpoints };
        var command = new Command("demo", "Train the pilot CNN (conv32-conv64-fc256, Adam 1e-3) on the embedded Fashion-MNIST subset with 1% label noise until it overfits.")
        {
            epochs, seed, output, threads, checkpointEvery, keepCheckpoints, metricsPort, otlpEndpoint, otlpProtocol,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var settings = Settings with
            {
                Epochs = parse.GetValue(epochs),
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                CheckpointEvery = parse.GetValue(checkpointEvery),
                KeepCheckpoints = parse.GetValue(keepCheckpoints),
            };
            MonitorOtlpOptions? otlp;
            try
            {
                otlp = OtlpExport.Parse(parse.GetValue(otlpEndpoint), parse.GetValue(otlpProtocol));
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"spindle demo: {e.Message}");
                return Task.FromResult(1);
            }

            var (code, runFolder) = TrainCommand.ExecuteNew("demo", settings, parse.GetValue(output)!, "demo", Callbacks, cancellationToken, parse.GetValue(metricsPort), otlp);
            if (code == 0 && runFolder is not null)
            {
                var history = MetricsLogCallback.Read(Path.Combine(runFolder, TrainingRunner.MetricsFile));
                DescribeOverfitting(history);
                DescribeMonitor(Path.Combine(runFolder, InteractionMonitor.LogFileName), RunReport.BestTestLossEpoch(history));
            }

            return Task.FromResult(code);
        });
        return command;
    }

    /// <summary>The callbacks the demo adds to the trainer, after the progress display and the metrics log.</summary>
    /// <param name="runFolder">The run folder, for callbacks that write files.</param>
    /// <returns>The callbacks; the interaction monitor is added here.</returns>
    internal static IReadOnlyList<TrainingCallback> Callbacks(string runFolder)
    {
        ArgumentNullException.ThrowIfNull(runFolder);
        return [];
    }

    /// <summary>Says where the monitor's (advisory) early-stopping rule would have stopped, beside the lowest test loss.</summary>
    /// <param name="log">The run's monitor.jsonl.</param>
    /// <param name="bestTestLossEpoch">The epoch of the lowest test loss, if known.</param>
    internal static void DescribeMonitor(string log, int? bestTestLossEpoch)
    {
        if (!File.Exists(log))
        {
            return;
        }

        var stop = InteractionMonitor.ReadLog(log).FirstOrDefault(r => (bool?)r["ruleStop"] == true);
        var lowest = bestTestLossEpoch is int e ? string.Create(CultureInfo.InvariantCulture, $" (lowest test loss: epoch {e})") : string.Empty;
        var text = stop is null
            ? $"Interaction monitor: the early-stopping rule did not fire{lowest}."
            : string.Create(CultureInfo.InvariantCulture, $"Interaction monitor: the early-stopping rule would have stopped at epoch {(int)stop["epoch"]!}{lowest}; checks per epoch in {log}.");
        AnsiConsole.WriteLine(text);
    }

    /// <summary>Says whether the run overfitted: test loss rising after its minimum while training accuracy still rises.</summary>
    /// <param name="history">The run's epochs.</param>
    internal static void DescribeOverfitting(IReadOnlyList<EpochMetrics> history)
    {
        if (RunReport.BestTestLossEpoch(history) is not int best || history.Count == 0)
        {
            return;
        }

        var atBest = history.First(m => m.Epoch == best);
        var last = history[^1];
        var text = last.Epoch > best && last.Test!.Loss > atBest.Test!.Loss
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"Overfitting: test loss fell to {atBest.Test.Loss:F4} at epoch {best} and rose to {last.Test.Loss:F4} by epoch {last.Epoch}, while training accuracy went from {atBest.TrainAccuracy:F4} to {last.TrainAccuracy:F4} (test accuracy {atBest.Test.Accuracy:F4} -> {last.Test.Accuracy:F4}).")
            : string.Create(CultureInfo.InvariantCulture, $"No overfitting yet: the test loss is lowest at the last epoch ({best}). Train longer with --epochs.");
        AnsiConsole.MarkupLine(Markup.Escape(text));
    }
}
