using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spindle.Trainers.Data;
using Spindle.Trainers.Models;
using Spindle.Trainers.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spindle.Cli;

/// <summary>
/// Runs one <c>spindle train</c> or <c>spindle demo</c> job: loads the data, builds the model and
/// optimizer, trains with a live progress display, and keeps the run folder up to date
/// (<c>config.json</c>, <c>metrics.jsonl</c>, <c>last.ckpt</c>).
/// </summary>
internal static class TrainingRunner
{
    public const string MetricsFile = "metrics.jsonl";
    public const string CheckpointFileName = "last.ckpt";
    public const string NoiseFile = "label-noise.json";

    /// <summary>Trains and returns the result.</summary>
    /// <param name="settings">The run's settings (validated here).</param>
    /// <param name="runFolder">The run folder; created when absent.</param>
    /// <param name="resume">Whether to continue from the folder's checkpoint.</param>
    /// <param name="extraCallbacks">Callbacks added after the built-in ones (the monitor attaches here).</param>
    /// <param name="cancellationToken">Stops after the current step.</param>
    /// <returns>The training result and the wall-clock seconds of the whole run.</returns>
    public static (TrainingResult Result, double Seconds) Run(
        TrainSettings settings, string runFolder, bool resume, IReadOnlyList<TrainingCallback> extraCallbacks, CancellationToken cancellationToken)
    {
        settings.Validate();
        var clock = Stopwatch.StartNew();
        var device = ResolveDevice(settings.Device);
        if (settings.Threads is int threads)
        {
            torch.set_num_threads(threads);
        }
        if (settings.Dataset == "sst2")
        {
            var encoder = BertTextEncoder.FromVocabulary(
                settings.Vocabulary ?? throw new ArgumentException("--dataset sst2 needs --vocab FILE (a BERT WordPiece vocab.txt)."),
                settings.MaxLength);
            var text = Prepare(Sst2Loader.LoadDirectory(RequireData(settings), encoder), settings, runFolder);
            var result = Train(text, settings, runFolder, resume, extraCallbacks, device, encoder.VocabularySize, cancellationToken);
            return (result, clock.Elapsed.TotalSeconds);
        }

        var loaded = LoadImages(settings);
        List<SplitClassifier>? baselines = null;
        if (settings.Regularize)
        {
            // The training subset and the held-out split are drawn together; Prepare then only flips labels.
            (loaded, baselines) = RegularizerSetup.ForTraining(loaded, settings, device, Console.Out);
        }

        try
        {
            var images = Prepare(loaded, settings.Regularize ? settings with { Subset = null } : settings, runFolder);
            return (Train(images, settings, runFolder, resume, extraCallbacks, device, null, cancellationToken, baselines), clock.Elapsed.TotalSeconds);
        }
        finally
        {
            baselines?.ForEach(b => b.Dispose());
        }
    }

    internal static TrainTestData<float> LoadImages(TrainSettings settings)
    {
        if (settings.Model == "bert-tiny")
        {
            throw new ArgumentException("--model bert-tiny reads token ids: use --dataset sst2 --data DIR --vocab FILE.");
        }

        var dataset = settings.Dataset switch
        {
            "fashion-mnist" => settings.Data is null ? ImageDataset.FashionMnistSubset : ImageDataset.FashionMnist,
            "mnist" => ImageDataset.Mnist,
            "cifar10" => ImageDataset.Cifar10,
            _ => throw new ArgumentException($"--dataset {settings.Dataset} is unknown; choose one of {string.Join(", ", TrainSettings.Datasets)}."),
        };
        if (dataset is ImageDataset.Mnist or ImageDataset.Cifar10)
        {
            RequireData(settings);
        }

        return ImageDatasets.Load(dataset, settings.Data, ImageDatasets.StandardNormalization(dataset));
    }

    /// <summary>Applies the subset and the label noise to the training split; the noise record goes to the run folder.</summary>
    internal static TrainTestData<T> Prepare<T>(TrainTestData<T> data, TrainSettings settings, string runFolder)
        where T : unmanaged
    {
        var train = data.Train;
        if (settings.Subset is int subset)
        {
            if (subset > train.Count || subset % train.ClassCount != 0)
            {
                throw new ArgumentException($"--subset {subset}: need a multiple of the {train.ClassCount} classes, at most the {train.Count} training samples.");
            }

            train = DataSubsets.Balanced(train, subset / train.ClassCount, settings.Seed, $"{train.Name}[{subset}]");
        }

        if (settings.LabelNoise > 0)
        {
            // The record is a function of the settings: a resumed run already has it and leaves its folder alone.
            var noisy = LabelNoise.Apply(train, settings.LabelNoise, settings.Seed);
            var noisePath = Path.Combine(runFolder, NoiseFile);
            if (!File.Exists(noisePath))
            {
                noisy.Record.Save(noisePath);
            }

            train = noisy.Data;
        }

        return new TrainTestData<T>(train, data.Test);
    }

    private static TrainingResult Train<T>(
        TrainTestData<T> data,
        TrainSettings settings,
        string runFolder,
        bool resume,
        IReadOnlyList<TrainingCallback> extraCallbacks,
        Device device,
        int? vocabularySize,
        CancellationToken cancellationToken,
        List<SplitClassifier>? baselines = null)
        where T : unmanaged
    {
        var (train, test) = (data.Train, data.Test);
        torch.random.manual_seed(settings.Seed);
        using var model = ModelFactory.Create(settings.Model, train.SampleShape, train.ClassCount, new ModelOptions
        {
            WidthMultiplier = settings.WidthMultiplier,
            Dropout = settings.Dropout,
            VocabularySize = vocabularySize,
        });
        model.to(device);
        using var optimizer = CreateOptimizer(settings, model);
        var checkpoint = Path.Combine(runFolder, CheckpointFileName);
        var trainer = new Trainer(model, optimizer, new TrainerOptions
        {
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            Seed = settings.Seed,
            Device = device,
            CheckpointPath = checkpoint,
            MaxBatchesPerEpoch = settings.MaxBatchesPerEpoch,
        });
        if (resume)
        {
            var metadata = trainer.ResumeFrom(checkpoint);
            if (metadata.TrainCount != train.Count)
            {
                throw new InvalidDataException($"{checkpoint}: trained on {metadata.TrainCount} samples, but the run's settings now give {train.Count}; the run cannot continue.");
            }

            // Only now, with the checkpoint loaded, does the resume change the folder (a changed --epochs or --threads).
            settings.Save(runFolder);
            AnsiConsole.MarkupLine($"Resuming [bold]{Markup.Escape(runFolder)}[/] after epoch {metadata.Epoch}.");
        }

        using var metricsLog = new MetricsLogCallback(Path.Combine(runFolder, MetricsFile));
        trainer.Callbacks.Add(metricsLog);
        ConsoleProgressCallback? console = null;
        using var monitor = settings.Monitor ? MonitorSetup.Create(train, settings, runFolder, line => console?.WriteNote(line)) : null;
        if (monitor is not null)
        {
            trainer.Callbacks.Add(monitor);
        }

        foreach (var callback in extraCallbacks)
        {
            trainer.Callbacks.Add(callback);
        }

        using var regularizer = baselines is null ? null : RegularizerSetup.AttachToRun(trainer, baselines, settings, runFolder, line => console?.WriteNote(line));

        // Last, so that the checkpoints it writes hold every other callback's state after the epoch.
        trainer.Callbacks.Add(new CheckpointRetentionCallback(runFolder, settings.CheckpointEvery, settings.KeepCheckpoints, path => trainer.SaveCheckpoint(path, train.Count)));

        AnsiConsole.MarkupLine(Markup.Escape(string.Create(
            CultureInfo.InvariantCulture,
            $"{settings.Model} ({model.parameters().Sum(p => p.numel()):N0} parameters) on {train.Name}: {train.Count} training / {test.Count} test samples, "
            + $"{settings.Optimizer} lr {settings.LearningRate:G}, batch {settings.BatchSize}, label noise {settings.LabelNoise:P1}, seed {settings.Seed}, {device.type}, {torch.get_num_threads()} threads.")));

        if (monitor is not null)
        {
            AnsiConsole.MarkupLine(Markup.Escape(MonitorSetup.Describe(settings)));
        }

        if (regularizer is not null)
        {
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(
                CultureInfo.InvariantCulture,
                $"Regularizer: λ {settings.Lambda:G} (warm-up {settings.LambdaWarmup} steps), {settings.TermSamples} samples per step, n = {settings.TermVariables} of 4x4 input patches, every {settings.TermEvery} step(s), batch norm on {settings.TermBatchNorm} statistics, {baselines!.Count} baseline(s); log {RegularizerLogCallback.LogFileName}.")));
        }

        var evaluated = settings.SkipEvaluation ? null : test;
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            return ConsoleProgressCallback.CreateProgress(AnsiConsole.Console)
                .Start(progress =>
                {
                    console = new ConsoleProgressCallback(progress, AnsiConsole.Console, Console.Out);
                    trainer.Callbacks.Insert(0, console);
                    return trainer.Fit(train, evaluated, cancellationToken);
                });
        }

        console = new ConsoleProgressCallback(null, null, Console.Out);
        trainer.Callbacks.Insert(0, console);
        return trainer.Fit(train, evaluated, cancellationToken);
    }

    private static string RequireData(TrainSettings settings) =>
        settings.Data ?? throw new ArgumentException($"--dataset {settings.Dataset} needs --data DIR (only Fashion-MNIST has an embedded subset).");

    private static Device ResolveDevice(string name)
    {
        if (name == "cuda" && !torch.cuda.is_available())
        {
            throw new ArgumentException("--device cuda: no CUDA device is available to TorchSharp (build with -p:TorchBackend=cuda on a machine with a GPU).");
        }

        return torch.device(name);
    }

    private static OptimizerHelper CreateOptimizer(TrainSettings settings, nn.Module model) => settings.Optimizer switch
    {
        "adam" => torch.optim.Adam(model.parameters(), settings.LearningRate, weight_decay: settings.WeightDecay),
        "sgd" => torch.optim.SGD(model.parameters(), settings.LearningRate, momentum: settings.Momentum, weight_decay: settings.WeightDecay),
        _ => throw new ArgumentException($"--optimizer {settings.Optimizer} is unknown; choose adam or sgd."),
    };
}
