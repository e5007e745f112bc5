using System.CommandLine;
using System.Globalization;
using Spindle.Monitor.EarlyStopping;
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
        var monitorStop = new Option<bool>("--monitor-stop") { Description = "With --monitor: let its early-stopping rule (provisional: median-of-3 spindle mass above 2.5x its minimum for 3 checks) stop training." };
        var metricsPort = MetricsPortOption();
        var regularize = new Option<bool>("--regularize") { Description = "Add the appendix J term: penalise the model's salient interactions that baselines trained on a held-out split do not share (regularizer.jsonl in the run folder)." };
        var lambda = new Option<double>("--lambda") { Description = "With --regularize: λ, the weight of the term.", DefaultValueFactory = _ => defaults.Lambda };
        var lambdaWarmup = new Option<int>("--lambda-warmup") { Description = "With --regularize: steps over which the weight rises linearly to λ.", DefaultValueFactory = _ => defaults.LambdaWarmup };
        var termVariables = new Option<int>("--term-variables") { Description = "With --regularize: input patches n of a 4x4 grid per penalised sample (2^n masked passes with gradients each).", DefaultValueFactory = _ => defaults.TermVariables };
        var termSamples = new Option<int>("--term-samples") { Description = "With --regularize: samples of each batch whose interactions are penalised.", DefaultValueFactory = _ => defaults.TermSamples };
        var termEvery = new Option<int>("--term-every") { Description = "With --regularize: apply the term every K steps.", DefaultValueFactory = _ => defaults.TermEvery };
        var baselineCount = new Option<int>("--baseline-count") { Description = "With --regularize: baseline models k trained on the held-out split (1 as appendix J; up to 3).", DefaultValueFactory = _ => defaults.BaselineCount };
        var holdoutCount = new Option<int?>("--holdout-count") { Description = "With --regularize: size of the class-balanced held-out split the baselines train on, taken from the training data outside the training subset (default: the --subset size; required without --subset, and then removed from the training data)." };
        var baselineEpochs = new Option<int?>("--baseline-epochs") { Description = "With --regularize: epochs of the baselines (default: --epochs)." };
        var baselines = new Option<string?>("--baselines") { Description = "With --regularize: folder of saved baselines, reused by any run with the same provenance (default: OUTPUT/baselines)." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this run folder from its last checkpoint (only --epochs and --threads may be given with it)." };
        var command = new Command("train", "Train a model (Fashion-MNIST by default); writes config.json, metrics.jsonl (one line per epoch) and last.ckpt to a run folder.")
        {
            model, dataset, data, vocab, maxLength, epochs, optimizer, lr, momentum, weightDecay, batchSize, labelNoise, subset, seed, device, threads, width, dropout, maxBatches, skipEval, monitor, monitorStop, metricsPort, regularize, lambda, lambdaWarmup, termVariables, termSamples, termEvery, baselineCount, holdoutCount, baselineEpochs, baselines, output, resume,
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
                    .Where(o => o != resume && o != epochs && o != threads && o != metricsPort && parse.GetResult(o) is { Implicit: false })
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

                Option[] termOptions = [lambda, lambdaWarmup, termVariables, termSamples, termEvery, baselineCount, holdoutCount, baselineEpochs, baselines];
                var stray = termOptions.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
                if (!parse.GetValue(regularize) && stray.Count > 0)
                {
                    Console.Error.WriteLine($"spindle train: {string.Join(", ", stray)} appl{(stray.Count == 1 ? "ies" : "y")} with --regularize only.");
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
                    Regularize = parse.GetValue(regularize),
                    Lambda = parse.GetValue(lambda),
                    LambdaWarmup = parse.GetValue(lambdaWarmup),
                    TermVariables = parse.GetValue(termVariables),
                    TermSamples = parse.GetValue(termSamples),
                    TermEvery = parse.GetValue(termEvery),
                    BaselineCount = parse.GetValue(baselineCount),
                    HoldoutCount = parse.GetValue(holdoutCount),
                    BaselineEpochs = parse.GetValue(baselineEpochs),
                    Baselines = parse.GetValue(regularize) ? Path.GetFullPath(parse.GetValue(baselines) ?? Path.Combine(parse.GetValue(output)!, "baselines")) : null,
                };
                runFolder = Path.Combine(parse.GetValue(output)!, string.Create(CultureInfo.InvariantCulture, $"{settings.Model}-{DateTime.UtcNow:yyyyMMdd-HHmmss}"));
            }

            return Task.FromResult(Execute("train", settings, runFolder, resumeFolder is not null, [], cancellationToken, parse.GetValue(metricsPort)));
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
    internal static int Execute(string verb, TrainSettings settings, string runFolder, bool resume, IReadOnlyList<TrainingCallback> callbacks, CancellationToken cancellationToken, int? metricsPort = null)
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
                Console.WriteLine($"Metrics for Prometheus: {endpoint.Url}{(settings.Monitor ? string.Empty : " (no monitor: give --monitor for the interaction metrics)")}");
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
