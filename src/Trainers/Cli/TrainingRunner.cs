using System.Diagnostics;
using Spectre.Console;
using Spindle.Trainers.Data;
using Spindle.Trainers.Models;
using Spindle.Trainers.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spindle.Trainers.Cli;

/// <summary>
/// Runs one <c>spindle train</c> or <c>spindle demo</c> job: loads the data, builds the model and
/// optimizer, trains with a live progress display, and keeps the run folder up to date
/// (<c>config.json</c>, <c>metrics.jsonl</c>, <c>last.ckpt</c>).
/// </summary>
internal static class TrainingRunner
{
    public const string MetricsFile = "metrics.jsonl";
    public const string CheckpointFileName = "last.ckpt";

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
        var (train, test) = LoadData(settings, runFolder);

        torch.random.manual_seed(settings.Seed);
        using var model = ModelFactory.Create(settings.Model, train.SampleShape, train.ClassCount, new ModelOptions
        {
            WidthMultiplier = settings.WidthMultiplier,
            Dropout = settings.Dropout,
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
            AnsiConsole.MarkupLine($"Resuming [bold]{Markup.Escape(runFolder)}[/] after epoch {metadata.Epoch}.");
        }

        using var metricsLog = new MetricsLogCallback(Path.Combine(runFolder, MetricsFile));
        trainer.Callbacks.Add(metricsLog);
        foreach (var callback in extraCallbacks)
        {
            trainer.Callbacks.Add(callback);
        }

        AnsiConsole.MarkupLine(Markup.Escape(
            $"{settings.Model} ({model.parameters().Sum(p => p.numel()):N0} parameters) on {train.Name}: {train.Count} training / {test.Count} test samples, "
            + $"{settings.Optimizer} lr {settings.LearningRate:G}, batch {settings.BatchSize}, label noise {settings.LabelNoise:P1}, seed {settings.Seed}, {device.type}, {torch.get_num_threads()} threads."));

        TrainingResult result;
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            result = AnsiConsole.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(progress =>
                {
                    var display = new ConsoleProgressCallback(progress, Console.Out);
                    trainer.Callbacks.Insert(0, display);
                    return trainer.Fit(train, test, cancellationToken);
                });
        }
        else
        {
            trainer.Callbacks.Insert(0, new ConsoleProgressCallback(null, Console.Out));
            result = trainer.Fit(train, test, cancellationToken);
        }

        return (result, clock.Elapsed.TotalSeconds);
    }

    internal static (LabeledData<float> Train, LabeledData<float> Test) LoadData(TrainSettings settings, string runFolder)
    {
        if (settings.Model == "bert-tiny")
        {
            throw new ArgumentException("--model bert-tiny needs a text dataset; spindle train reads Fashion-MNIST images only. Use the BertTiny class from code with tokenised data.");
        }

        var data = settings.Data is null
            ? EmbeddedFashionMnist.Load(PixelNormalization.FashionMnist)
            : FashionMnist.Load(settings.Data, PixelNormalization.FashionMnist);
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
            throw new NotSupportedException("LABEL NOISE PENDING MERGE");
        }

        return (train, data.Test);
    }

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
