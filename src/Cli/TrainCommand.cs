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
            Description = SpindleCommands.WithDefault($"Dataset directory; for Fashion-MNIST, --data alone means {FashionMnist.DefaultDirectory} (apt-get install dataset-fashion-mnist).", "the embedded 4,000/1,000 Fashion-MNIST subset"),
            Arity = ArgumentArity.ZeroOrOne,
        };
        var vocab = new Option<string?>("--vocab") { Description = SpindleCommands.WithDefault("BERT WordPiece vocab.txt (sst2).", "none; required with --dataset sst2") };
        var maxLength = new Option<int>("--max-length") { Description = "Token-id row length (sst2).", DefaultValueFactory = _ => defaults.MaxLength };
        var epochs = new Option<int?>("--epochs") { Description = SpindleCommands.WithDefault("Last epoch to train to.", $"{defaults.Epochs}; with --resume, the run's own") };
        var optimizer = new Option<string>("--optimizer") { Description = "adam or sgd.", DefaultValueFactory = _ => defaults.Optimizer };
        var lr = new Option<double>("--lr") { Description = "Learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum (--optimizer sgd only).", DefaultValueFactory = _ => defaults.Momentum };
        var weightDecay = new Option<double>("--weight-decay") { Description = "L2 weight decay.", DefaultValueFactory = _ => defaults.WeightDecay };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per step.", DefaultValueFactory = _ => defaults.BatchSize };
        var labelNoise = new Option<double>("--label-noise") { Description = "Fraction of training labels flipped to another class (seeded), e.g. 0.01.", DefaultValueFactory = _ => defaults.LabelNoise };
        var subset = new Option<int?>("--subset") { Description = SpindleCommands.WithDefault("Keep this many training samples, class-balanced (a multiple of the class count).", "all") };
        var seed = new Option<int>("--seed") { Description = "Seed of initialisation, shuffling, subset and label noise.", DefaultValueFactory = _ => defaults.Seed };
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => defaults.Device };
        var threads = new Option<int?>("--threads") { Description = SpindleCommands.WithDefault("TorchSharp intra-op threads (1 helps on a machine shared with other jobs).", "one per core") };
        var width = new Option<double?>("--width") { Description = SpindleCommands.WithDefault("VGG-11 width multiplier (vgg11 only).", "0.25") };
        var dropout = new Option<double?>("--dropout") { Description = SpindleCommands.WithDefault("Dropout before the last layer (cnn and bert-tiny only).", "0") };
        var maxBatches = new Option<int?>("--max-batches") { Description = SpindleCommands.WithDefault("Stop each epoch after this many steps (benchmarks, smoke runs).", "whole epochs") };
        var skipEval = new Option<bool>("--skip-eval") { Description = SpindleCommands.WithDefault("Do not evaluate on the test split after each epoch (benchmarks; no best.ckpt then).", "off") };
        var checkpointEvery = new Option<int>("--checkpoint-every")
        {
            Description = "Keep a checkpoint every K epochs in the run folder's checkpoints/ (epoch-0001.ckpt, ...; for 'spindle extract --epoch'); 0 for none. last.ckpt (for --resume) and best.ckpt (lowest test loss) are always written.",
            DefaultValueFactory = _ => defaults.CheckpointEvery,
        };
        var keepCheckpoints = new Option<int>("--keep-checkpoints") { Description = "Keep only the most recent N epoch checkpoints (0 keeps all).", DefaultValueFactory = _ => defaults.KeepCheckpoints };
        var output = new Option<string>("--output") { Description = "Folder that receives the new run folder (named MODEL-yyyyMMdd-HHmmss, with -2, -3, ... when taken).", DefaultValueFactory = _ => "runs" };
        var monitor = new Option<bool>("--monitor") { Description = SpindleCommands.WithDefault("Check the model's interactions after every epoch (12 probes, 8 input patches): spindle/decay mass under each epoch row, monitor.jsonl in the run folder.", "off") };
        var monitorStop = new Option<bool>("--monitor-stop") { Description = SpindleCommands.WithDefault("With --monitor: let its early-stopping rule (the early-stopping study's: slope of the last 8 checks' cancellation mass above 5% of their mean per check, 2 checks in a row) stop training.", "off") };
        var monitorEvery = new Option<int>("--monitor-every") { Description = "With --monitor: check at epochs K, 2K, 3K, ... (as the budget allows).", DefaultValueFactory = _ => defaults.MonitorEvery };
        var monitorBudget = new Option<double>("--monitor-budget") { Description = "With --monitor: the largest share of the loop's time the checks may take; a check that would exceed it is skipped (0: no budget, a check every K epochs).", DefaultValueFactory = _ => defaults.MonitorBudget ?? 0 };
        var metricsPort = MetricsPortOption();
        var otlpEndpoint = OtlpExport.EndpointOption();
        var otlpProtocol = OtlpExport.ProtocolOption();
        var regularize = new Option<bool>("--regularize") { Description = SpindleCommands.WithDefault("Add the appendix J term: penalise the model's salient interactions that baselines trained on a held-out split do not share (regularizer.jsonl in the run folder).", "off") };
        var lambda = new Option<double>("--lambda") { Description = "With --regularize: λ, the weight of the term.", DefaultValueFactory = _ => defaults.Lambda };
        var lambdaWarmup = new Option<int>("--lambda-warmup") { Description = "With --regularize: steps over which the weight rises linearly to λ.", DefaultValueFactory = _ => defaults.LambdaWarmup };
        var termVariables = new Option<int>("--term-variables") { Description = "With --regularize: input patches n of a 4x4 grid per penalised sample (2^n masked passes with gradients each).", DefaultValueFactory = _ => defaults.TermVariables };
        var termSamples = new Option<int>("--term-samples") { Description = "With --regularize: samples of each batch whose interactions are penalised.", DefaultValueFactory = _ => defaults.TermSamples };
        var termEvery = new Option<int>("--term-every") { Description = "With --regularize: apply the term every K steps.", DefaultValueFactory = _ => defaults.TermEvery };
        var termBatchNorm = RegularizerSetup.BatchNormOption("With --regularize: statistics of the model's batch-norm layers in the term's masked passes, batch (the masked batch's own; running statistics untouched) or running (made ResNet-20 collapse on the test split).");
        var baselineCount = new Option<int>("--baseline-count") { Description = "With --regularize: baseline models k trained on the held-out split (1 as appendix J; up to 3).", DefaultValueFactory = _ => defaults.BaselineCount };
        var holdoutCount = new Option<int?>("--holdout-count") { Description = SpindleCommands.WithDefault("With --regularize: size of the class-balanced held-out split the baselines train on, taken from the training data outside the training subset (required without --subset, and then removed from the training data).", "the --subset size") };
        var baselineEpochs = new Option<int?>("--baseline-epochs") { Description = SpindleCommands.WithDefault("With --regularize: epochs of the baselines.", "--epochs") };
        var baselines = new Option<string?>("--baselines") { Description = SpindleCommands.WithDefault("With --regularize: folder of saved baselines, reused by any run with the same provenance.", "OUTPUT/baselines") };
        var run = new Option<string?>("--run") { Description = SpindleCommands.WithDefault("An existing run folder: the run --resume continues.", "none: a new run under --output") };
        var resume = new Option<bool>("--resume") { Description = SpindleCommands.WithDefault("Continue the run named by --run from its last checkpoint (only --epochs, --threads and --metrics-port may be given with it).", "off") };
        var command = new Command("train", "Train a model (Fashion-MNIST by default); writes config.json, metrics.jsonl (one line per epoch), last.ckpt, best.ckpt and checkpoints/ to a new run folder.")
        {
            model, dataset, data, vocab, maxLength, epochs, optimizer, lr, momentum, weightDecay, batchSize, labelNoise, subset, seed, device, threads, width, dropout, maxBatches, skipEval, checkpointEvery, keepCheckpoints, monitor, monitorStop, monitorEvery, monitorBudget, metricsPort, otlpEndpoint, otlpProtocol, regularize, lambda, lambdaWarmup, termVariables, termSamples, termEvery, termBatchNorm, baselineCount, holdoutCount, baselineEpochs, baselines, output, run, resume,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var runFolder = parse.GetValue(run);
            TrainSettings settings;
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

            if (parse.GetValue(resume))
            {
                if (runFolder is null)
                {
                    Console.Error.WriteLine("spindle train: --resume continues an existing run; name its folder with --run DIR (spindle train --run runs/cnn-20261125-014200 --resume).");
                    return Task.FromResult(1);
                }

                var ignored = command.Options
                    .Where(o => o != run && o != resume && o != epochs && o != threads && o != metricsPort && o != otlpEndpoint && o != otlpProtocol && parse.GetResult(o) is { Implicit: false })
                    .Select(o => o.Name)
                    .ToList();
                if (ignored.Count > 0)
                {
                    Console.Error.WriteLine($"spindle train: {string.Join(", ", ignored)} cannot change on --resume (the run's config.json fixes them); only --epochs, --threads, --metrics-port, --otlp-endpoint and --otlp-protocol can be given.");
                    return Task.FromResult(1);
                }

                try
                {
                    settings = TrainSettings.Load(runFolder);
                }
                catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"spindle train: --run {runFolder}: {e.Message}");
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

                return Task.FromResult(Execute("train", settings, runFolder, resume: true, [], cancellationToken, parse.GetValue(metricsPort), otlp));
            }

            if (runFolder is not null)
            {
                Console.Error.WriteLine($"spindle train: --run {runFolder} names an existing run; add --resume to continue it, or leave --run out to start a new run under --output.");
                return Task.FromResult(1);
            }

            if (parse.GetValue(optimizer) != "sgd" && parse.GetResult(momentum) is { Implicit: false })
            {
                Console.Error.WriteLine($"spindle train: --momentum applies to --optimizer sgd only; {parse.GetValue(optimizer)} would ignore it.");
                return Task.FromResult(1);
            }

            Option[] termOptions = [lambda, lambdaWarmup, termVariables, termSamples, termEvery, termBatchNorm, baselineCount, holdoutCount, baselineEpochs, baselines];
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
                CheckpointEvery = parse.GetValue(checkpointEvery),
                KeepCheckpoints = parse.GetValue(keepCheckpoints),
                Monitor = parse.GetValue(monitor) || parse.GetValue(monitorStop),
                MonitorStop = parse.GetValue(monitorStop),
                MonitorEvery = parse.GetValue(monitorEvery),
                MonitorBudget = parse.GetValue(monitorBudget) is var budget && budget == 0 ? null : budget,
                Regularize = parse.GetValue(regularize),
                Lambda = parse.GetValue(lambda),
                LambdaWarmup = parse.GetValue(lambdaWarmup),
                TermVariables = parse.GetValue(termVariables),
                TermSamples = parse.GetValue(termSamples),
                TermEvery = parse.GetValue(termEvery),
                TermBatchNorm = parse.GetValue(termBatchNorm)!,
                BaselineCount = parse.GetValue(baselineCount),
                HoldoutCount = parse.GetValue(holdoutCount),
                BaselineEpochs = parse.GetValue(baselineEpochs),
                Baselines = parse.GetValue(regularize) ? Path.GetFullPath(parse.GetValue(baselines) ?? Path.Combine(parse.GetValue(output)!, "baselines")) : null,
            };
            return Task.FromResult(ExecuteNew("train", settings, parse.GetValue(output)!, settings.Model, _ => [], cancellationToken, parse.GetValue(metricsPort), otlp).Code);
        });
        return command;
    }

    /// <summary>The <c>--metrics-port</c> option of <c>train</c> and <c>demo</c>.</summary>
    /// <returns>The option.</returns>
    internal static Option<int?> MetricsPortOption() => new("--metrics-port")
    {
        Description = SpindleCommands.WithDefault("Serve the interaction monitor's metrics for Prometheus at http://127.0.0.1:PORT/metrics while training (with --monitor; a taken port is reported and training continues).", "none: no endpoint"),
    };

    /// <summary>
    /// Starts a new run: validates the settings, creates a unique run folder under <paramref name="outputFolder"/>
    /// (atomically, with its <c>config.json</c>), and runs it through <see cref="Execute"/>.
    /// </summary>
    /// <returns>The exit code and the run folder (null when none was created).</returns>
    internal static (int Code, string? RunFolder) ExecuteNew(
        string verb, TrainSettings settings, string outputFolder, string prefix, Func<string, IReadOnlyList<TrainingCallback>> callbacks, CancellationToken cancellationToken, int? metricsPort = null, MonitorOtlpOptions? otlp = null)
    {
        string runFolder;
        try
        {
            settings.Validate();
            runFolder = RunFolder.CreateUnique(outputFolder, RunFolder.Stem(prefix), settings.Save);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            var reason = e is UnauthorizedAccessException ? "permission denied (the folder is not writable)" : e.Message;
            Console.Error.WriteLine(e is ArgumentException ? $"spindle {verb}: {e.Message}" : $"spindle {verb}: --output {outputFolder}: cannot create a run folder there: {reason}");
            return (1, null);
        }

        return (Execute(verb, settings, runFolder, resume: false, callbacks(runFolder), cancellationToken, metricsPort, otlp), runFolder);
    }

    /// <summary>
    /// Runs a job, prints the report, and turns bad input into a message and exit code 1. The first Ctrl-C or SIGTERM
    /// abandons the current step; the run folder keeps the last finished epoch, the command says how to resume and
    /// exits with 130 (SIGINT) or 143 (SIGTERM).
    /// </summary>
    /// <param name="verb">The command's name, for messages.</param>
    /// <param name="settings">The run's settings.</param>
    /// <param name="runFolder">A new run folder (created when absent, removed again if the run fails before its first checkpoint), or with <paramref name="resume"/> the existing run.</param>
    /// <param name="resume">Whether to continue the run in <paramref name="runFolder"/>.</param>
    /// <param name="callbacks">Extra callbacks.</param>
    /// <param name="cancellationToken">Stops after the current step.</param>
    /// <param name="metricsPort">The Prometheus endpoint's port, or null.</param>
    /// <param name="otlp">Where to export the metrics over OTLP, or null.</param>
    /// <returns>The exit code.</returns>
    internal static int Execute(string verb, TrainSettings settings, string runFolder, bool resume, IReadOnlyList<TrainingCallback> callbacks, CancellationToken cancellationToken, int? metricsPort = null, MonitorOtlpOptions? otlp = null)
    {
        var fresh = !resume;
        using var interruption = Interruption.Listen(Console.Error, "abandoning the current step; the run keeps its last finished epoch");
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, interruption.Token);
        try
        {
            settings.Validate();
            var checkpoint = Path.Combine(runFolder, TrainingRunner.CheckpointFileName);
            if (resume)
            {
                resume = CheckResumable(runFolder, settings);
            }

            // A resumed run records a changed --epochs or --threads once its checkpoint has loaded (TrainingRunner).
            Directory.CreateDirectory(runFolder);
            if (!resume)
            {
                settings.Save(runFolder);
            }

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

            var (result, seconds) = TrainingRunner.Run(settings, runFolder, resume, callbacks, cancellation.Token);
            RunReport.Write(result, seconds, runFolder);
            if (result.Decision.Reason is StopReason.Cancelled)
            {
                var kept = File.Exists(checkpoint)
                    ? string.Create(CultureInfo.InvariantCulture, $"{runFolder} keeps epoch {CheckpointFile.ReadMetadata(checkpoint).Epoch} ({TrainingRunner.CheckpointFileName}); the unfinished epoch was abandoned")
                    : $"{runFolder} has no finished epoch yet; --resume starts it again from epoch 1";
                var by = interruption.Signal is null ? "Stopped" : $"Interrupted by {interruption.SignalName}";
                Console.WriteLine($"{by}: {kept}. Resume with: spindle train --run {runFolder} --resume");
                return interruption.Signal is null ? 1 : interruption.ExitCode;
            }

            return result.Decision.Reason is StopReason.Diverged ? 1 : 0;
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            var message = e is UnauthorizedAccessException ? $"{runFolder}: permission denied ({e.Message})" : e.Message;
            Console.Error.WriteLine($"spindle {verb}: {message}");

            // A new run that failed before its first checkpoint (bad data, vocabulary, device) leaves no folder behind.
            if (fresh && !File.Exists(Path.Combine(runFolder, TrainingRunner.CheckpointFileName)))
            {
                TryDelete(runFolder);
            }

            return 1;
        }
        finally
        {
            Interruption.RestoreCursor();
        }
    }

    /// <summary>
    /// Checks that a run can be resumed before anything in its folder changes, and removes the temporary files of a
    /// killed write. A run stopped before its first checkpoint (killed in epoch 1) is started again from epoch 1.
    /// </summary>
    /// <returns>Whether there is a checkpoint to resume from (false: train from the start in the same folder).</returns>
    private static bool CheckResumable(string runFolder, TrainSettings settings)
    {
        var checkpoint = Path.Combine(runFolder, TrainingRunner.CheckpointFileName);
        if (!File.Exists(checkpoint))
        {
            var metrics = Path.Combine(runFolder, TrainingRunner.MetricsFile);
            if (File.Exists(metrics) && MetricsLogCallback.Read(metrics).Count > 0)
            {
                throw new InvalidDataException($"--run {runFolder}: {TrainingRunner.MetricsFile} records finished epochs but {TrainingRunner.CheckpointFileName} is missing, so the run cannot continue; start a new run.");
            }

            RemoveStale(runFolder);
            Console.WriteLine($"{runFolder} has no {TrainingRunner.CheckpointFileName}: it stopped before finishing epoch 1. Training it again from epoch 1.");
            return false;
        }

        var trained = CheckpointFile.ReadMetadata(checkpoint).Epoch;
        if (settings.Epochs < trained)
        {
            throw new ArgumentException($"--epochs {settings.Epochs} is below the {trained} epochs this run has already trained; give --epochs {trained} or more.");
        }

        RemoveStale(runFolder);
        return true;
    }

    private static void RemoveStale(string runFolder)
    {
        foreach (var file in RunFolder.RemoveStaleTemporaryFiles(runFolder))
        {
            Console.WriteLine($"Removed {file}, a temporary file left by a write that was killed.");
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"(could not remove {folder}: {e.Message})");
        }
    }
}
