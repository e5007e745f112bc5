using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spindle.Monitor.IO;
using Spindle.Trainers.Data;
using Spindle.Trainers.Models;
using Spindle.Trainers.Training;
using TorchSharp;

namespace Spindle.Cli.Experiments.Evidence;

/// <summary>One model of the evidence studies: a target (part 0) or a baseline (parts 1..5) trained on its own disjoint, class-balanced part of Fashion-MNIST's training set.</summary>
/// <param name="Model">The model name (<c>cnn</c> or <c>vgg11</c>, width 0.25).</param>
/// <param name="TrainSize">Training images of the part.</param>
/// <param name="Epochs">Epochs trained (Adam 1e-3, batch 64).</param>
/// <param name="Seed">The seed of the partition, the initialisation and the shuffle order.</param>
/// <param name="Part">0 for the target, 1..5 for the baselines.</param>
internal sealed record ModelSpec(string Model, int TrainSize, int Epochs, int Seed, int Part)
{
    /// <summary>Gets the file stem, for example <c>cnn-n1000-e15-seed0-target</c>.</summary>
    public string Name => string.Create(
        CultureInfo.InvariantCulture,
        $"{Model}-n{TrainSize}-e{Epochs}-seed{Seed}-{(Part == 0 ? "target" : $"baseline{Part}")}");
}

/// <summary>
/// Trains and caches the models the evidence studies share: per seed, Fashion-MNIST's training set is dealt into
/// <see cref="PartCount"/> disjoint class-balanced parts; part 0 trains the target, parts 1..5 the baselines. A model's
/// checkpoint (<c>NAME.ckpt</c>, plus <c>NAME-epoch1.ckpt</c> for targets) and its record (<c>NAME.json</c>) are
/// written when it finishes, so a rerun loads it instead of training it again.
/// </summary>
internal sealed class ModelZoo
{
    /// <summary>The number of disjoint parts: the target and at most five baselines.</summary>
    public const int PartCount = 6;

    /// <summary>Adam's learning rate.</summary>
    public const double LearningRate = 1e-3;

    /// <summary>Samples per step.</summary>
    public const int BatchSize = 64;

    /// <summary>The width multiplier of VGG-11.</summary>
    public const double VggWidth = 0.25;

    /// <summary>The seed of the fixed class-balanced test subset.</summary>
    public const int TestSubsetSeed = 12345;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly string _folder;
    private readonly string? _dataDirectory;
    private readonly int _testSamples;
    private readonly TextWriter _log;
    private TrainTestData<float>? _data;
    private LabeledData<float>? _test;

    /// <summary>Initializes a new instance of the <see cref="ModelZoo"/> class.</summary>
    /// <param name="folder">Where checkpoints and records go.</param>
    /// <param name="dataDirectory">The Fashion-MNIST directory, or null for the embedded 4,000-image subset.</param>
    /// <param name="testSamples">The size of the fixed test subset every model is evaluated on.</param>
    /// <param name="log">Progress.</param>
    public ModelZoo(string folder, string? dataDirectory, int testSamples, TextWriter log)
    {
        _folder = folder;
        _dataDirectory = dataDirectory;
        _testSamples = testSamples;
        _log = log;
    }

    /// <summary>Gets the training set (all of it).</summary>
    public LabeledData<float> Train => Load().Train;

    /// <summary>Gets the fixed class-balanced test subset.</summary>
    public LabeledData<float> Test
    {
        get
        {
            Load();
            return _test!;
        }
    }

    /// <summary>Gets a description of the data for reports.</summary>
    public string DataDescription => _dataDirectory is null
        ? "Fashion-MNIST, the embedded 4,000-image subset (3,000 train / 1,000 test)"
        : $"Fashion-MNIST from {_dataDirectory} (60,000 train / 10,000 test)";

    /// <summary>Creates a model of the named kind for Fashion-MNIST.</summary>
    /// <param name="model">The model name.</param>
    /// <returns>The model.</returns>
    public static SplitClassifier Create(string model) =>
        ModelFactory.Create(model, [1, 28, 28], 10, new ModelOptions { WidthMultiplier = model == "vgg11" ? VggWidth : null });

    /// <summary>The training-set indices of one part of a seed's partition, in class round-robin order (the first ten hold one image of each class).</summary>
    /// <param name="labels">The labels of the whole training set.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="trainSize">Images per part (a multiple of the classes).</param>
    /// <param name="seed">The partition's seed.</param>
    /// <param name="part">The part, 0..<see cref="PartCount"/>-1.</param>
    /// <returns>The indices.</returns>
    /// <exception cref="ArgumentException">The parts do not fit in the training set.</exception>
    public static int[] PartIndices(IReadOnlyList<int> labels, int classCount, int trainSize, int seed, int part)
    {
        var perClass = trainSize / classCount;
        var byClass = Enumerable.Range(0, classCount).Select(c => Enumerable.Range(0, labels.Count).Where(i => labels[i] == c).ToArray()).ToArray();
        if (trainSize % classCount != 0 || byClass.Any(c => c.Length < perClass * PartCount))
        {
            throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"--train-size {trainSize}: need a multiple of the {classCount} classes such that {PartCount} disjoint parts fit in the training set ({labels.Count} images)."));
        }

        var random = new Random(seed);
        foreach (var members in byClass)
        {
            random.Shuffle(members);
        }

        var indices = new int[perClass * classCount];
        for (var j = 0; j < perClass; j++)
        {
            for (var c = 0; c < classCount; c++)
            {
                indices[(j * classCount) + c] = byClass[c][(part * perClass) + j];
            }
        }

        return indices;
    }

    /// <summary>Gets the training part of a model.</summary>
    /// <param name="spec">The model.</param>
    /// <returns>Its training images.</returns>
    public LabeledData<float> PartOf(ModelSpec spec)
    {
        var train = Train;
        return train.Select(PartIndices(train.Labels, train.ClassCount, spec.TrainSize, spec.Seed, spec.Part), $"{train.Name}[{spec.Name}]");
    }

    /// <summary>The path of a model's checkpoint.</summary>
    /// <param name="spec">The model.</param>
    /// <param name="early">The checkpoint after the first epoch (targets only) instead of the last.</param>
    /// <returns>The path.</returns>
    public string CheckpointPath(ModelSpec spec, bool early = false) => Path.Combine(_folder, spec.Name + (early ? "-epoch1" : string.Empty) + ".ckpt");

    /// <summary>Trains the model unless its checkpoint and record exist, and returns its record.</summary>
    /// <param name="spec">The model.</param>
    /// <param name="cancellationToken">Stops training after the current step (nothing is then recorded).</param>
    /// <returns>The record: losses and accuracies at the end.</returns>
    public JsonObject Ensure(ModelSpec spec, CancellationToken cancellationToken)
    {
        var record = Path.Combine(_folder, spec.Name + ".json");
        if (File.Exists(record) && File.Exists(CheckpointPath(spec)) && (spec.Part != 0 || File.Exists(CheckpointPath(spec, early: true))))
        {
            return JsonNode.Parse(File.ReadAllText(record))!.AsObject();
        }

        Directory.CreateDirectory(_folder);
        var clock = Stopwatch.StartNew();
        var train = PartOf(spec);
        var seed = (spec.Seed * 100) + spec.Part;
        torch.random.manual_seed(seed);
        using var model = Create(spec.Model);
        using var optimizer = torch.optim.Adam(model.parameters(), LearningRate);
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = spec.Epochs, BatchSize = BatchSize, Seed = seed });
        if (spec.Part == 0)
        {
            trainer.Callbacks.Add(new SaveAtEpoch(trainer, 1, CheckpointPath(spec, early: true), train.Count));
        }

        // No evaluation per epoch (it would cost a fifth of the training); the test subset is evaluated once at the end.
        var result = trainer.Fit(train, null, cancellationToken);
        if (result.CompletedEpochs < spec.Epochs)
        {
            throw new OperationCanceledException($"{spec.Name}: interrupted after epoch {result.CompletedEpochs}; a rerun trains it again.");
        }

        trainer.SaveCheckpoint(CheckpointPath(spec), train.Count);
        var last = trainer.History[^1];
        var test = new Evaluator().Evaluate(model, Test);
        var json = new JsonObject
        {
            ["name"] = spec.Name,
            ["model"] = spec.Model,
            ["parameters"] = model.parameters().Sum(p => p.numel()),
            ["trainSize"] = spec.TrainSize,
            ["epochs"] = spec.Epochs,
            ["seed"] = spec.Seed,
            ["part"] = spec.Part,
            ["optimizer"] = string.Create(CultureInfo.InvariantCulture, $"adam lr {LearningRate}, batch {BatchSize}"),
            ["trainLoss"] = last.TrainLoss,
            ["trainAccuracy"] = last.TrainAccuracy,
            ["testLoss"] = test.Loss,
            ["testAccuracy"] = test.Accuracy,
            ["testSamples"] = Test.Count,
            ["wallSeconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
            ["threads"] = torch.get_num_threads(),
        };
        AtomicFile.WriteAllText(record, json.ToJsonString(Indented));
        _log.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{DateTime.Now:HH:mm:ss} trained {spec.Name}: train {last.TrainLoss:F3}/{last.TrainAccuracy:F3}, test {test.Loss:F3}/{test.Accuracy:F3}, {clock.Elapsed.TotalSeconds:F0} s"));
        return json;
    }

    /// <summary>Loads a trained model (after <see cref="Ensure"/>).</summary>
    /// <param name="spec">The model.</param>
    /// <param name="early">The checkpoint after the first epoch instead of the last.</param>
    /// <returns>The model, in evaluation mode.</returns>
    public SplitClassifier Load(ModelSpec spec, bool early = false)
    {
        var model = Create(spec.Model);
        CheckpointFile.ReadModel(CheckpointPath(spec, early), model);
        model.eval();
        return model;
    }

    /// <summary>The probes of a target: the first <paramref name="count"/> images of its training part (classes round-robin).</summary>
    /// <param name="target">The target model.</param>
    /// <param name="count">How many.</param>
    /// <returns>The images and their labels.</returns>
    public (torch.Tensor Images, long[] Labels) Probes(ModelSpec target, int count)
    {
        var part = PartOf(target);
        var (images, labels) = part.Batch([.. Enumerable.Range(0, Math.Min(count, part.Count))]);
        using (labels)
        {
            return (images, [.. labels.data<long>()]);
        }
    }

    private TrainTestData<float> Load()
    {
        if (_data is null)
        {
            _data = _dataDirectory is null
                ? EmbeddedFashionMnist.Load(PixelNormalization.FashionMnist)
                : FashionMnist.Load(_dataDirectory, PixelNormalization.FashionMnist);
            var perClass = Math.Min(_testSamples, _data.Test.Count) / _data.Test.ClassCount;
            _test = DataSubsets.Balanced(_data.Test, perClass, TestSubsetSeed, string.Create(CultureInfo.InvariantCulture, $"{_data.Test.Name}[{perClass * _data.Test.ClassCount}]"));
        }

        return _data;
    }

    /// <summary>Saves a checkpoint after a given epoch.</summary>
    private sealed class SaveAtEpoch(Trainer trainer, int epoch, string path, int trainCount) : TrainingCallback
    {
        public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
        {
            ArgumentNullException.ThrowIfNull(metrics);
            if (metrics.Epoch == epoch)
            {
                trainer.SaveCheckpoint(path, trainCount);
            }
        }
    }
}
