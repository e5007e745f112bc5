using System.Text.Json;
using Spindle.Monitor.IO;
using Spindle.Trainers.Models;
using Spindle.Trainers.Training;

namespace Spindle.Cli;

/// <summary>Everything a <c>spindle train</c> run depends on; written to the run folder as <c>config.json</c>.</summary>
internal sealed record TrainSettings
{
    public const string ConfigFile = "config.json";

    public string Model { get; init; } = "cnn";

    public static readonly string[] Datasets = ["fashion-mnist", "mnist", "cifar10", "sst2"];

    public string Dataset { get; init; } = "fashion-mnist";

    /// <summary>Gets the dataset's directory, or null for the embedded Fashion-MNIST subset.</summary>
    public string? Data { get; init; }

    /// <summary>Gets the BERT WordPiece vocabulary file (sst2 only).</summary>
    public string? Vocabulary { get; init; }

    /// <summary>Gets the token-id row length (sst2 only).</summary>
    public int MaxLength { get; init; } = 64;

    public int Epochs { get; init; } = 10;

    public string Optimizer { get; init; } = "adam";

    public double LearningRate { get; init; } = 1e-3;

    public double Momentum { get; init; } = 0.9;

    public double WeightDecay { get; init; }

    public int BatchSize { get; init; } = 64;

    public double LabelNoise { get; init; }

    /// <summary>Gets the number of training samples to keep (class-balanced), or null for all.</summary>
    public int? Subset { get; init; }

    public int Seed { get; init; }

    public string Device { get; init; } = "cpu";

    /// <summary>Gets TorchSharp's intra-op thread count, or null for its default (the core count).</summary>
    public int? Threads { get; init; }

    public double? WidthMultiplier { get; init; }

    public double? Dropout { get; init; }

    public int? MaxBatchesPerEpoch { get; init; }

    /// <summary>Gets a value indicating whether to skip the per-epoch test evaluation (benchmarks).</summary>
    public bool SkipEvaluation { get; init; }

    /// <summary>Gets a value indicating whether the interaction monitor checks the model after every epoch (monitor.jsonl; see MonitorSetup).</summary>
    public bool Monitor { get; init; }

    /// <summary>Gets a value indicating whether the monitor's early-stopping rule stops training; otherwise it is advisory.</summary>
    public bool MonitorStop { get; init; }

    /// <summary>Gets K: the monitor checks at epochs K, 2K, … (as its budget allows).</summary>
    public int MonitorEvery { get; init; } = 1;

    /// <summary>Gets the monitor's check budget, the largest share of the loop's time checks may take; null for none (a check every K epochs).</summary>
    public double? MonitorBudget { get; init; } = 0.1;

    /// <summary>Gets how many epochs pass between the checkpoints kept in checkpoints/ (0: none; last.ckpt and best.ckpt are always written).</summary>
    public int CheckpointEvery { get; init; } = 1;

    /// <summary>Gets how many of the most recent epoch checkpoints are kept (0: all).</summary>
    public int KeepCheckpoints { get; init; }

    /// <summary>Gets a value indicating whether the appendix J interaction term is added to the loss (see RegularizerSetup).</summary>
    public bool Regularize { get; init; }

    public double Lambda { get; init; } = 0.01;

    public int LambdaWarmup { get; init; } = 50;

    public int TermVariables { get; init; } = 6;

    public int TermSamples { get; init; } = 2;

    public int TermEvery { get; init; } = 1;

    /// <summary>Gets which statistics the model's batch-norm layers use in the term's masked passes: "batch" (the masked batch's own) or "running".</summary>
    public string TermBatchNorm { get; init; } = RegularizerSetup.BatchNormNames[0];

    public int BaselineCount { get; init; } = 1;

    /// <summary>Gets the size of the held-out split the baselines train on, or null for as many samples as the training subset.</summary>
    public int? HoldoutCount { get; init; }

    /// <summary>Gets the epochs of the baselines, or null for <see cref="Epochs"/>.</summary>
    public int? BaselineEpochs { get; init; }

    /// <summary>Gets the folder of saved baselines, reused across runs.</summary>
    public string? Baselines { get; init; }

    public static TrainSettings Load(string runFolder)
    {
        var path = Path.Combine(runFolder, ConfigFile);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{runFolder} is not a run folder: it has no {ConfigFile}.", path);
        }

        try
        {
            return JsonSerializer.Deserialize<TrainSettings>(File.ReadAllText(path), CheckpointFile.JsonOptions)
                ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid run configuration ({e.Message})", e);
        }
    }

    public void Save(string runFolder)
    {
        var path = Path.Combine(runFolder, ConfigFile);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, IndentedJson));
    }

    /// <summary>Checks the values and says what is wrong.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        Require(ModelFactory.Names.Contains(Model), $"--model {Model} is unknown; choose one of {string.Join(", ", ModelFactory.Names)}.");
        Require(Datasets.Contains(Dataset), $"--dataset {Dataset} is unknown; choose one of {string.Join(", ", Datasets)}.");
        Require(MaxLength >= 2, $"--max-length must be at least 2, got {MaxLength}.");
        Require(Epochs >= 1, $"--epochs must be at least 1, got {Epochs}.");
        Require(Optimizer is "adam" or "sgd", $"--optimizer must be adam or sgd, got {Optimizer}.");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), $"--lr must be positive, got {LearningRate}.");
        Require(Momentum is >= 0 and < 1, $"--momentum must be in [0, 1), got {Momentum}.");
        Require(WeightDecay >= 0, $"--weight-decay must be non-negative, got {WeightDecay}.");
        Require(BatchSize >= 1, $"--batch-size must be at least 1, got {BatchSize}.");
        Require(LabelNoise is >= 0 and <= 1, $"--label-noise must be a fraction in [0, 1], got {LabelNoise}.");
        Require(Subset is null or >= 1, $"--subset must be at least 1, got {Subset}.");
        Require(Device is "cpu" or "cuda", $"--device must be cpu or cuda, got {Device}.");
        Require(Threads is null or >= 1, $"--threads must be at least 1, got {Threads}.");
        Require(WidthMultiplier is null || Model == "vgg11", $"--width applies to vgg11 only; --model {Model} has a fixed width.");
        Require(WidthMultiplier is null or > 0 && double.IsFinite(WidthMultiplier ?? 1), $"--width must be positive, got {WidthMultiplier}.");
        Require(Dropout is null || Model is "cnn" or "bert-tiny", $"--dropout applies to cnn and bert-tiny only; --model {Model} has no dropout layer.");
        Require(Dropout is null or >= 0 and < 1, $"--dropout must be in [0, 1), got {Dropout}.");
        Require(!Monitor || (Model != "bert-tiny" && Dataset != "sst2"), "--monitor masks input-image patches; it does not support bert-tiny or sst2 yet.");
        Require(MonitorEvery >= 1, "--monitor-every must be at least 1.");
        Require(MonitorBudget is null || (MonitorBudget > 0 && double.IsFinite(MonitorBudget.Value)), "--monitor-budget must be a positive share (0.1 for 10%), or 0 for no budget.");
        Require(CheckpointEvery >= 0, $"--checkpoint-every must be at least 0 (0 keeps no epoch checkpoints), got {CheckpointEvery}.");
        Require(KeepCheckpoints >= 0, $"--keep-checkpoints must be at least 0 (0 keeps all), got {KeepCheckpoints}.");
        Require(!Regularize || (Model != "bert-tiny" && Dataset != "sst2"), "--regularize masks input-image patches; it does not support bert-tiny or sst2.");
        Require(Lambda >= 0 && double.IsFinite(Lambda), $"--lambda must be finite and at least 0, got {Lambda}.");
        Require(LambdaWarmup >= 0, $"--lambda-warmup must be at least 0, got {LambdaWarmup}.");
        Require(TermVariables is >= 1 and <= 12, $"--term-variables must be in 1..12 (2^n masked passes with gradients per sample), got {TermVariables}.");
        Require(TermSamples >= 1, $"--term-samples must be at least 1, got {TermSamples}.");
        Require(TermEvery >= 1, $"--term-every must be at least 1, got {TermEvery}.");
        Require(RegularizerSetup.BatchNormNames.Contains(TermBatchNorm), $"--term-batch-norm must be {string.Join(" or ", RegularizerSetup.BatchNormNames)}, got '{TermBatchNorm}'.");
        Require(BaselineCount is >= 1 and <= 3, $"--baseline-count must be 1, 2 or 3, got {BaselineCount}.");
        Require(HoldoutCount is null or >= 1, $"--holdout-count must be at least 1, got {HoldoutCount}.");
        Require(BaselineEpochs is null or >= 1, $"--baseline-epochs must be at least 1, got {BaselineEpochs}.");
        Require(MaxBatchesPerEpoch is null or >= 1, $"--max-batches must be at least 1, got {MaxBatchesPerEpoch}.");
    }

    private static readonly JsonSerializerOptions IndentedJson = new(CheckpointFile.JsonOptions) { WriteIndented = true };

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
