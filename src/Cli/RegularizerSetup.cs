using System.Globalization;
using Spindle.Regularizer;
using Spindle.Regularizer.Baselines;
using Spindle.Trainers.Data;
using Spindle.Trainers.Models;
using Spindle.Trainers.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Cli;

/// <summary>How the baselines of the regularizer are trained: on which held-out samples, for how long, with which seeds.</summary>
internal sealed record BaselineSpec
{
    public required string Model { get; init; }

    public required string Dataset { get; init; }

    public required string Split { get; init; }

    public required int[] Indices { get; init; }

    public required int Seed { get; init; }

    public int Count { get; init; } = 1;

    public int Epochs { get; init; } = 30;

    public int BatchSize { get; init; } = 64;

    public double LearningRate { get; init; } = 1e-3;

    /// <summary>The provenance of baseline <paramref name="index"/>: its initialisation seed is <c>Seed + 1000 + index</c>.</summary>
    public Regularizer.Baselines.BaselineProvenance Provenance(int index) => new()
    {
        Model = Model,
        Dataset = Dataset,
        Split = Split,
        SampleCount = Indices.Length,
        SampleIndicesSha256 = BaselineStore.HashIndices(Indices),
        Seed = Seed + 1000 + index,
        Epochs = Epochs,
        Training = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["optimizer"] = "adam",
            ["lr"] = LearningRate.ToString("R", CultureInfo.InvariantCulture),
            ["batchSize"] = BatchSize.ToString(CultureInfo.InvariantCulture),
        },
    };
}

/// <summary>The held-out split and the baseline models of <c>spindle train --regularize</c> and <c>spindle experiment regularizer</c>.</summary>
internal static class RegularizerSetup
{
    /// <summary>The values of <c>--term-batch-norm</c>, for <see cref="BatchNormStatistics.Batch"/> and <see cref="BatchNormStatistics.Running"/>.</summary>
    public static readonly string[] BatchNormNames = ["batch", "running"];

    /// <summary>The <c>--term-batch-norm</c> option of <c>train</c> and <c>experiment regularizer</c>, limited to <see cref="BatchNormNames"/>.</summary>
    /// <param name="description">What the option does in that command.</param>
    /// <returns>The option, defaulting to batch statistics.</returns>
    public static System.CommandLine.Option<string> BatchNormOption(string description)
    {
        var option = new System.CommandLine.Option<string>("--term-batch-norm") { Description = description, DefaultValueFactory = _ => BatchNormNames[0] };
        option.AcceptOnlyFromAmong(BatchNormNames);
        return option;
    }

    /// <summary>The statistics a <c>--term-batch-norm</c> value names.</summary>
    public static BatchNormStatistics ParseBatchNorm(string name) => name == BatchNormNames[1] ? BatchNormStatistics.Running : BatchNormStatistics.Batch;

    /// <summary>The <c>--term-batch-norm</c> value of the statistics, as records and configs store it.</summary>
    public static string BatchNormName(BatchNormStatistics statistics) => BatchNormNames[statistics == BatchNormStatistics.Running ? 1 : 0];

    /// <summary>Draws a class-balanced training subset and a class-balanced held-out split disjoint from it, both seeded.</summary>
    /// <param name="labels">The labels of the training pool.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="trainCount">The training subset's size (a multiple of the classes), or null for the whole pool less the held-out split.</param>
    /// <param name="heldOutCount">The held-out split's size (a multiple of the classes).</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The two index lists, ascending.</returns>
    public static (int[] Train, int[] HeldOut) Split(IReadOnlyList<int> labels, int classCount, int? trainCount, int heldOutCount, int seed)
    {
        if (heldOutCount < classCount || heldOutCount % classCount != 0)
        {
            throw new ArgumentException($"--holdout-count {heldOutCount}: need a positive multiple of the {classCount} classes.");
        }

        int[] train;
        if (trainCount is int count)
        {
            train = DataSubsets.BalancedIndices(labels, classCount, count / classCount, seed);
        }
        else
        {
            train = [.. Enumerable.Range(0, labels.Count)];
        }

        var inTrain = trainCount is null ? [] : train.ToHashSet();
        var rest = Enumerable.Range(0, labels.Count).Where(i => !inTrain.Contains(i)).ToArray();
        int[] heldOut;
        try
        {
            heldOut = [.. DataSubsets.BalancedIndices([.. rest.Select(i => labels[i])], classCount, heldOutCount / classCount, seed + 7919).Select(j => rest[j])];
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--holdout-count {heldOutCount}: the samples outside the training subset cannot provide it ({e.Message})", e);
        }

        if (trainCount is null)
        {
            var held = heldOut.ToHashSet();
            train = [.. train.Where(i => !held.Contains(i))];
        }

        return (train, heldOut);
    }

    /// <summary>Loads the baselines of a spec from the store, training and saving those it does not hold.</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="pool">The training pool the spec's indices refer to.</param>
    /// <param name="store">The store.</param>
    /// <param name="device">The device.</param>
    /// <param name="log">Where progress goes.</param>
    /// <returns>The baselines, in evaluation mode; the caller disposes them.</returns>
    public static List<SplitClassifier> Baselines(BaselineSpec spec, LabeledData<float> pool, BaselineStore store, Device device, TextWriter log)
    {
        var models = new List<SplitClassifier>();
        for (var i = 0; i < spec.Count; i++)
        {
            var provenance = spec.Provenance(i);
            torch.random.manual_seed(provenance.Seed);
            var model = ModelFactory.Create(spec.Model, pool.SampleShape, pool.ClassCount);
            model.to(device);
            if (store.TryLoad(model, provenance) is not null)
            {
                log.WriteLine($"Baseline {i + 1}/{spec.Count}: reusing {store.RecordPath(provenance)}.");
            }
            else
            {
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Baseline {i + 1}/{spec.Count}: training {spec.Model} on the held-out split ({spec.Indices.Length} samples, {spec.Epochs} epochs, seed {provenance.Seed})..."));
                var heldOut = pool.Select(spec.Indices, $"{pool.Name}[held-out {spec.Indices.Length}]");
                using var optimizer = torch.optim.Adam(model.parameters(), spec.LearningRate);
                var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = spec.Epochs, BatchSize = spec.BatchSize, Seed = provenance.Seed, Device = device });
                var result = trainer.Fit(heldOut);
                store.Save(model, provenance, result.History[^1].TrainAccuracy);
                log.WriteLine($"Baseline {i + 1}/{spec.Count}: saved to {store.RecordPath(provenance)}.");
            }

            model.eval();
            models.Add(model);
        }

        return models;
    }

    /// <summary>For <c>spindle train --regularize</c>: splits off the held-out split and loads or trains the baselines on it.</summary>
    /// <param name="data">The loaded data (training pool and test split).</param>
    /// <param name="settings">The run's settings.</param>
    /// <param name="device">The device.</param>
    /// <param name="log">Where progress goes.</param>
    /// <returns>The data with the training subset as its training split, and the baselines.</returns>
    public static (TrainTestData<float> Data, List<SplitClassifier> Baselines) ForTraining(TrainTestData<float> data, TrainSettings settings, Device device, TextWriter log)
    {
        var pool = data.Train;
        if (settings.Subset is int subset && (subset > pool.Count || subset % pool.ClassCount != 0))
        {
            throw new ArgumentException($"--subset {subset}: need a multiple of the {pool.ClassCount} classes, at most the {pool.Count} training samples.");
        }

        var holdout = settings.HoldoutCount ?? settings.Subset
            ?? throw new ArgumentException("--regularize without --subset needs --holdout-count N: the held-out split is then taken out of the training data.");
        var (train, heldOut) = Split(pool.Labels, pool.ClassCount, settings.Subset, holdout, settings.Seed);
        var spec = new BaselineSpec
        {
            Model = settings.Model,
            Dataset = settings.Dataset + (settings.Data is null ? " (embedded subset)" : string.Empty),
            Split = string.Create(CultureInfo.InvariantCulture, $"training data, {holdout} class-balanced (seed {settings.Seed} + 7919), disjoint from the {train.Length}-sample training split"),
            Indices = heldOut,
            Seed = settings.Seed,
            Count = settings.BaselineCount,
            Epochs = settings.BaselineEpochs ?? settings.Epochs,
            BatchSize = settings.BatchSize,
            LearningRate = settings.LearningRate,
        };
        var baselines = Baselines(spec, pool, new BaselineStore(settings.Baselines ?? "baselines"), device, log);
        return (new TrainTestData<float>(pool.Select(train, $"{pool.Name}[{train.Length}]"), data.Test), baselines);
    }

    /// <summary>For <c>spindle train --regularize</c>: attaches the term to the trainer and returns the callback that logs it.</summary>
    /// <param name="trainer">The trainer.</param>
    /// <param name="baselines">The baselines.</param>
    /// <param name="settings">The run's settings.</param>
    /// <param name="runFolder">The run folder.</param>
    /// <param name="print">Prints a line under the epoch row.</param>
    /// <returns>The callback, already added to the trainer.</returns>
    public static RegularizerLogCallback AttachToRun(Trainer trainer, List<SplitClassifier> baselines, TrainSettings settings, string runFolder, Action<string> print)
    {
        var regularizer = new InteractionRegularizer([.. baselines], new RegularizerOptions
        {
            Lambda = settings.Lambda,
            WarmupSteps = settings.LambdaWarmup,
            VariableCount = settings.TermVariables,
            SamplesPerStep = settings.TermSamples,
            Every = settings.TermEvery,
            BatchNorm = ParseBatchNorm(settings.TermBatchNorm),
        });
        var callback = new RegularizerLogCallback(Attach(trainer, regularizer), regularizer, runFolder, print);
        trainer.Callbacks.Add(callback);
        return callback;
    }

    /// <summary>Connects a regularizer to a trainer's loss hook and sums what its terms penalised.</summary>
    /// <param name="trainer">The trainer.</param>
    /// <param name="regularizer">The regularizer.</param>
    /// <returns>The running totals, updated at every step the term applies.</returns>
    public static TermTotals Attach(Trainer trainer, InteractionRegularizer regularizer)
    {
        var totals = new TermTotals();
        trainer.LossTerm = step =>
        {
            var term = regularizer.Compute(step.Model, step.Inputs, step.Labels, step.Step);
            if (term is null)
            {
                return null;
            }

            totals.Add(term);
            return term.Loss;
        };
        return totals;
    }
}

/// <summary>Totals over the steps where the regularizer's term applied.</summary>
internal sealed class TermTotals
{
    public int Steps { get; private set; }

    public double Seconds { get; private set; }

    public double Penalty { get; private set; }

    public double SalientStrength { get; private set; }

    public double GeneralizableStrength { get; private set; }

    public int SalientCount { get; private set; }

    public int GeneralizableCount { get; private set; }

    public void Add(RegularizerTerm term)
    {
        Steps++;
        Seconds += term.Seconds;
        Penalty += term.Penalty;
        SalientStrength += term.SalientStrength;
        GeneralizableStrength += term.GeneralizableStrength;
        SalientCount += term.SalientCount;
        GeneralizableCount += term.GeneralizableCount;
    }
}

/// <summary>Writes what the term did in each epoch to <c>regularizer.jsonl</c> in the run folder and prints it under the epoch row.</summary>
internal sealed class RegularizerLogCallback : TrainingCallback, IDisposable
{
    public const string LogFileName = "regularizer.jsonl";

    private readonly TermTotals _totals;
    private readonly InteractionRegularizer _regularizer;
    private readonly StreamWriter _writer;
    private readonly Action<string> _print;
    private (int Steps, double Seconds, double Penalty, double Salient, double Generalizable) _last;

    public RegularizerLogCallback(TermTotals totals, InteractionRegularizer regularizer, string runFolder, Action<string> print)
    {
        _totals = totals;
        _regularizer = regularizer;
        _print = print;
        _writer = new StreamWriter(Path.Combine(runFolder, LogFileName), append: true);
    }

    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        var steps = _totals.Steps - _last.Steps;
        var penalty = steps == 0 ? 0 : (_totals.Penalty - _last.Penalty) / steps;
        var salient = _totals.SalientStrength - _last.Salient;
        double? share = salient > 0 ? (_totals.GeneralizableStrength - _last.Generalizable) / salient : null;
        var seconds = _totals.Seconds - _last.Seconds;
        var line = new System.Text.Json.Nodes.JsonObject
        {
            ["epoch"] = metrics.Epoch,
            ["termSteps"] = steps,
            ["meanPenalty"] = penalty,
            ["generalizableShare"] = share,
            ["termSeconds"] = seconds,
            ["trainSeconds"] = metrics.TrainSeconds,
            ["cachedSamples"] = _regularizer.CachedSampleCount,
        };
        _writer.WriteLine(line.ToJsonString());
        _writer.Flush();
        _print(string.Create(CultureInfo.InvariantCulture, $"regularizer: {steps} steps, mean penalty {penalty:F3}, generalizable share {share:P1} of salient strength, term {seconds:F1} s of {metrics.TrainSeconds:F1} s"));
        _last = (_totals.Steps, _totals.Seconds, _totals.Penalty, _totals.SalientStrength, _totals.GeneralizableStrength);
    }

    public void Dispose() => _writer.Dispose();
}
