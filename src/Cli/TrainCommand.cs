using System.CommandLine;
using System.Globalization;
using Spindle.Monitor.EarlyStopping;
using Spindle.Monitor.Metrics;
using Spindle.Trainers.Data;
using Spindle.Trainers.Models;
using Spindle.Trainers.Training;

namespace Spindle.Cli;

/// <summary><c>spindle train</c>: trains a model on Fashion-MNIST (embedded subset or full set), MNIST, CIFAR-10 or SST-2 and keeps a run folder with config, metrics and checkpoints.</summary>
internal static class TrainCommand
{
    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var defaults = new TrainSettings();
        var model = new Option<string>("--model") { Description = $"Model: {string.Join(", ", ModelFactory.Names)}.", DefaultValueFactory = _ => defaults.Model };
        var dataset = new Option<string>("--dataset") { Description = $"Dataset: {string.Join(", ", TrainSettings.Datasets)}.", DefaultValueFactory = _ => defaults.Dataset };
        var data = new Option<string?>("--data")
        {
            Description = $"Dataset directory; for Fashion-MNIST, --data alone means {FashionMnist.DefaultDirectory} (apt-get install dataset-fashion-mnist). Default: the embedded 4,000/1,000 subset.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var vocab = new Option<string?>("--vocab") { Description = "BERT WordPiece vocab.txt (sst2)." };
        var maxLength = new Option<int>("--max-length") { Description = "Token-id row length (sst2).", DefaultValueFactory = _ => defaults.MaxLength };
        var epochs = new Option<int?>("--epochs") { Description = $"Last epoch to train to (default {defaults.Epochs}; with --resume, the run's own unless given)." };
        var optimizer = new Option<string>("--optimizer") { Description = "adam or sgd.", DefaultValueFactory = _ => defaults.Optimizer };
        var lr = new Option<double>("--lr") { Description = "Learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum.", DefaultValueFactory = _ => defaults.Momentum };
        var weightDecay = new Option<double>("--weight-decay") { Description = "L2 weight decay.", DefaultValueFactory = _ => defaults.WeightDecay };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per step.", DefaultValueFactory = _ => defaults.BatchSize };
        var labelNoise = new Option<double>("--label-noise") { Description = "Fraction of training labels flipped to another class (seeded), e.g. 0.01." };
        var subset = new Option<int?>("--subset") { Description = "Keep this many training samples, class-balanced (a multiple of the class count)." };
        var seed = new Option<int>("--seed") { Description = "Seed of initialisation, shuffling, subset and label noise." };
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => defaults.Device };
        var threads = new Option<int?>("--threads") { Description = "TorchSharp intra-op threads (default: one per core; 1 helps on a machine shared with other jobs)." };
        var width = new Option<double?>("--width") { Description = "VGG-11 width multiplier (default 0.25)." };
        var dropout = new Option<double?>("--dropout") { Description = "CNN dropout before the last layer (default 0)." };
        var maxBatches = new Option<int?>("--max-batches") { Description = "Stop each epoch after this many steps (benchmarks, smoke runs)." };
        var skipEval = new Option<bool>("--skip-eval") { Description = "Do not evaluate on the test split after each epoch (benchmarks)." };
        var output = new Option<string>("--output") { Description = "Folder that receives the run folder.", DefaultValueFactory = _ => "runs" };
        var monitor = new Option<bool>("--monitor") { Description = "Check the model's interactions after every epoch (12 probes, 8 input patches): spindle/decay mass under each epoch row, monitor.jsonl in the run folder." };
        var monitorStop = new Option<bool>("--monitor-stop") { Description = "With --monitor: let its early-stopping rule (the early-stopping study's: slope of the last 8 checks' cancellation mass above 5% of their mean per check, 2 checks in a row) stop training." };
        var monitorEvery = new Option<int>("--monitor-every") { Description = "With --monitor: check at epochs K, 2K, 3K, ... (as the budget allows).", DefaultValueFactory = _ => 1 };
        var monitorBudget = new Option<double>("--monitor-budget") { Description = "With --monitor: the largest share of the loop's time the checks may take; a check that would exceed it is skipped (0: no budget, a check every K epochs).", DefaultValueFactory = _ => 0.1 };
        var metricsPort = MetricsPortOption();
        var otlpEndpoint = OtlpExport.EndpointOption();
        var otlpProtocol = OtlpExport.ProtocolOption();
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this run folder from its last checkpoint (only --epochs and --threads may be given with it)." };
        var command = new Command("train", "Train a model (Fashion-MNIST by default); writes config.json, metrics.jsonl (one line per epoch) and last.ckpt to a run folder.")
        {
            model, dataset, data, vocab, maxLength, epochs, optimizer, lr, momentum, weightDecay, batchSize, labelNoise, subset, seed, device, threads, width, dropout, maxBatches, skipEval, monitor, monitorStop, monitorEvery, monitorBudget, metricsPort, otlpEndpoint, otlpProtocol, output, resume,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var resumeFolder = parse.GetValue(resume);
            TrainSettings settings;
            string runFolder;
            if (resumeFolder is not null)
            {
                runFolder = resumeFolder;
                var ignored = command.Options
                    .Where(o => o != resume && o != epochs && o != threads && o != metricsPort && o != otlpEndpoint && o != otlpProtocol && parse.GetResult(o) is { Implicit: false })
                    .Select(o => o.Name)
                    .ToList();
                if (ignored.Count > 0)
                {
                    Console.Error.WriteLine($"spindle train: {string.Join(", ", ignored)} cannot change on --resume (the run's config.json fixes them); only --epochs and --threads can be given.");
                    return Task.FromResult(1);
                }

                try
                {
                    settings = TrainSettings.Load(runFolder);
                }
                catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"spindle train: --resume {runFolder}: {e.Message}");
                    return Task.FromResult(1);
                }
                if (parse.GetValue(epochs) is int more)
                {
                    settings = settings with { Epochs = more };
                }

                if (parse.GetValue(threads) is int threadCount)
                {
                    settings = settings with { Threads = threadCount };
                }
            }
            else
            {
                if (parse.GetValue(optimizer) != "sgd" && parse.GetResult(momentum) is { Implicit: false })
                {
                    Console.Error.WriteLine($"spindle train: --momentum applies to --optimizer sgd only; {parse.GetValue(optimizer)} would ignore it.");
                    return Task.FromResult(1);
                }

                settings = new TrainSettings
                {
                    Model = parse.GetValue(model)!,
                    Dataset = parse.GetValue(dataset)!,
                    Data = parse.GetResult(data) is null ? null : parse.GetValue(data) ?? FashionMnist.DefaultDirectory,
                    Vocabulary = parse.GetValue(vocab),
                    MaxLength = parse.GetValue(maxLength),
                    Epochs = parse.GetValue(epochs) ?? defaults.Epochs,
                    Optimizer = parse.GetValue(optimizer)!,
                    LearningRate = parse.GetValue(lr),
                    Momentum = parse.GetValue(momentum),
                    WeightDecay = parse.GetValue(weightDecay),
                    BatchSize = parse.GetValue(batchSize),
                    LabelNoise = parse.GetValue(labelNoise),
                    Subset = parse.GetValue(subset),
                    Seed = parse.GetValue(seed),
                    Device = parse.GetValue(device)!,
                    Threads = parse.GetValue(threads),
                    WidthMultiplier = parse.GetValue(width),
                    Dropout = parse.GetValue(dropout),
                    MaxBatchesPerEpoch = parse.GetValue(maxBatches),
                    SkipEvaluation = parse.GetValue(skipEval),
                    Monitor = parse.GetValue(monitor) || parse.GetValue(monitorStop),
                    MonitorStop = parse.GetValue(monitorStop),
                    MonitorEvery = parse.GetValue(monitorEvery),
                    MonitorBudget = parse.GetValue(monitorBudget) is var budget && budget == 0 ? null : budget,
                };
                runFolder = Path.Combine(parse.GetValue(output)!, string.Create(CultureInfo.InvariantCulture, $"{settings.Model}-{DateTime.UtcNow:yyyyMMdd-HHmmss}"));
            }

            MonitorOtlpOptions? otlp;
            try
            {
                otlp = OtlpExport.Parse(parse.GetValue(otlpEndpoint), parse.GetValue(otlpProtocol));
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"spindle train: {e.Message}");
                return Task.FromResult(1);
            }

            return Task.FromResult(Execute("train", settings, runFolder, resumeFolder is not null, [], cancellationToken, parse.GetValue(metricsPort), otlp));
        });
        return command;
    }

    /// <summary>The <c>--metrics-port</c> option of <c>train</c> and <c>demo</c>.</summary>
    /// <returns>The option.</returns>
    internal static Option<int?> MetricsPortOption() => new("--metrics-port")
    {
        Description = "Serve the interaction monitor's metrics for Prometheus at http://127.0.0.1:PORT/metrics while training (with --monitor; a taken port is reported and training continues).",
    };

    /// <summary>Runs a job, prints the report, and turns bad input into a message and exit code 1.</summary>
    internal static int Execute(string verb, TrainSettings settings, string runFolder, bool resume, IReadOnlyList<TrainingCallback> callbacks, CancellationToken cancellationToken, int? metricsPort = null, MonitorOtlpOptions? otlp = null)
    {
        var created = false;
        try
        {
            settings.Validate();
            if (resume)
            {
                var trained = CheckpointFile.ReadMetadata(Path.Combine(runFolder, TrainingRunner.CheckpointFileName)).Epoch;
                if (settings.Epochs < trained)
                {
                    throw new ArgumentException($"--epochs {settings.Epochs} is below the {trained} epochs this run has already trained; give --epochs {trained} or more.");
                }
            }

            created = !resume && !Directory.Exists(runFolder);
            Directory.CreateDirectory(runFolder);

            // On resume this records a changed --epochs or --threads; everything else is the run's own.
            settings.Save(runFolder);

            using var endpoint = metricsPort is int port ? PrometheusEndpoint.TryStart(port, Console.Error) : null;
            if (endpoint is not null)
            {
                // The monitor's run id is the run folder's name (MonitorOptions.RunId unset).
                foreach (var line in endpoint.Describe(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(runFolder))), settings.Monitor))
                {
                    Console.WriteLine(line);
                }
            }

            using var otlpExport = otlp is null ? null : OtlpExport.Start(otlp, Console.Error);
            if (otlpExport is not null)
            {
                Console.WriteLine($"Metrics to the OTLP collector: {otlpExport.Url}{(settings.Monitor ? string.Empty : " (no monitor: give --monitor for the interaction metrics)")}");
            }

            var (result, seconds) = TrainingRunner.Run(settings, runFolder, resume, callbacks, cancellationToken);
            RunReport.Write(result, seconds, runFolder);
            return result.Decision.Reason is StopReason.Diverged or StopReason.Cancelled ? 1 : 0;
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException)
        {
            Console.Error.WriteLine($"spindle {verb}: {e.Message}");

            // A new run that failed before its first checkpoint (bad data, vocabulary, device) leaves no folder behind.
            if (created && !File.Exists(Path.Combine(runFolder, TrainingRunner.CheckpointFileName)))
            {
                Directory.Delete(runFolder, recursive: true);
            }

            return 1;
        }
    }
}
