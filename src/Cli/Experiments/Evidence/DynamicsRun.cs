using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Spindle.Monitor.Checks;
using Spindle.Monitor.IO;
using Spindle.Trainers.Data;
using Spindle.Trainers.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Cli.Experiments.Evidence;

/// <summary>One training run of the dynamics study: a model, a training-set size, a label-noise fraction, an optimizer arm and a seed.</summary>
/// <param name="Arm">The optimizer arm: <c>adam</c> (Adam 1e-3), <c>cosine</c> (Adam 1e-3 with a cosine schedule to 0) or <c>sgd</c> (SGD 0.05, momentum 0.9).</param>
/// <param name="Model">The model (cnn, mlp or vgg11 at width 0.25).</param>
/// <param name="TrainCount">Class-balanced training images.</param>
/// <param name="LabelNoise">The fraction of labels flipped.</param>
/// <param name="Seed">The seed of the subset, noise, initialisation and shuffle order.</param>
internal sealed record DynamicsRun(string Arm, string Model, int TrainCount, double LabelNoise, int Seed)
{
    /// <summary>Gets the run's folder name, for example <c>cosine-cnn-1000-noise10-seed0</c>.</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"{Arm}-{Group}-seed{Seed}");

    /// <summary>Gets the configuration without arm and seed, for example <c>cnn-1000-noise10</c>.</summary>
    public string Group => string.Create(CultureInfo.InvariantCulture, $"{Model}-{TrainCount}-noise{LabelNoise * 100:0.##}");
}

/// <summary>
/// Trains a dynamics run with a check after every epoch (and before the first), writing one line per epoch in the
/// early-stopping study's format (<c>epoch</c>, losses, accuracies, <c>check</c>), then gzipping it and writing
/// <c>done.json</c>; a rerun skips finished runs and trains unfinished ones again.
/// </summary>
internal static class DynamicsRecorder
{
    /// <summary>Samples per step.</summary>
    public const int BatchSize = 64;

    /// <summary>Gets whether a run's records are complete.</summary>
    /// <param name="folder">The run folder.</param>
    /// <returns>Whether it is done.</returns>
    public static bool IsComplete(string folder) => File.Exists(Path.Combine(folder, "done.json"));

    /// <summary>Trains and records a run unless it is complete.</summary>
    /// <param name="run">The run.</param>
    /// <param name="folder">Its folder.</param>
    /// <param name="zoo">The data (the zoo's training set and fixed test subset).</param>
    /// <param name="epochs">Epochs.</param>
    /// <param name="probeCount">Probes: the first training images whose labels were not flipped.</param>
    /// <param name="log">Progress.</param>
    /// <param name="cancellationToken">Stops after the current step; the run is then trained again by a rerun.</param>
    public static void Record(DynamicsRun run, string folder, ModelZoo zoo, int epochs, int probeCount, TextWriter log, CancellationToken cancellationToken)
    {
        if (IsComplete(folder))
        {
            return;
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        var clock = Stopwatch.StartNew();
        var train = DataSubsets.Balanced(zoo.Train, run.TrainCount / zoo.Train.ClassCount, run.Seed);
        HashSet<int> flipped = [];
        if (run.LabelNoise > 0)
        {
            var noisy = LabelNoise.Apply(train, run.LabelNoise, run.Seed);
            train = noisy.Data;
            flipped = [.. noisy.Record.Indices];
        }

        torch.random.manual_seed(run.Seed);
        using var model = ModelZoo.Create(run.Model);
        using var optimizer = run.Arm == "sgd"
            ? (TorchSharp.Modules.OptimizerHelper)optim.SGD(model.parameters(), 0.05, momentum: 0.9)
            : optim.Adam(model.parameters(), 1e-3);
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = epochs, BatchSize = BatchSize, Seed = run.Seed });
        int[] probeIndices = [.. Enumerable.Range(0, train.Count).Where(i => !flipped.Contains(i)).Take(probeCount)];
        var (probes, labels) = train.Batch(probeIndices);
        using var check = new InteractionCheck(
            VariableChoice.Default.Build(),
            probes,
            [.. labels.data<long>()],
            provenance: new CheckProvenance { Model = run.Model, Run = run.Name, Split = "train", SampleIndices = probeIndices, Variables = VariableChoice.Default.Label, VariableSeed = 0, Masking = "input" });
        probes.Dispose();
        labels.Dispose();
        var path = Path.Combine(folder, "epochs.jsonl");
        using (var lines = new StreamWriter(path, append: false, new UTF8Encoding(false)))
        {
            var logger = new Logger(lines, zoo.Test, check, run.Arm == "cosine" ? optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs) : null, log, run.Name);
            trainer.Callbacks.Add(logger);
            var result = trainer.Fit(train, null, cancellationToken);
            if (result.CompletedEpochs < epochs)
            {
                throw new OperationCanceledException($"{run.Name}: interrupted after epoch {result.CompletedEpochs}; a rerun trains it again.");
            }
        }

        using (var input = File.OpenRead(path))
        using (var output = File.Create(path + ".gz"))
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            input.CopyTo(gzip);
        }

        File.Delete(path);
        var done = new JsonObject
        {
            ["run"] = run.Name,
            ["arm"] = run.Arm,
            ["model"] = run.Model,
            ["trainCount"] = run.TrainCount,
            ["labelNoise"] = run.LabelNoise,
            ["seed"] = run.Seed,
            ["epochs"] = epochs,
            ["testSamples"] = zoo.Test.Count,
            ["probeIndices"] = new JsonArray([.. probeIndices.Select(i => (JsonNode?)i)]),
            ["wallSeconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
        AtomicFile.WriteAllText(Path.Combine(folder, "done.json"), done.ToJsonString());
        log.WriteLine($"{DateTime.Now:HH:mm:ss} {run.Name}: done in {clock.Elapsed.TotalSeconds:F0} s.");
    }

    /// <summary>Reads a run's epoch lines (gzipped when complete, plain while training).</summary>
    /// <param name="folder">The run folder.</param>
    /// <returns>The lines.</returns>
    public static IReadOnlyList<string> ReadLines(string folder)
    {
        var compressed = Path.Combine(folder, "epochs.jsonl.gz");
        if (File.Exists(compressed))
        {
            using var gzip = new GZipStream(File.OpenRead(compressed), CompressionMode.Decompress);
            using var reader = new StreamReader(gzip, Encoding.UTF8);
            return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        }

        var plain = Path.Combine(folder, "epochs.jsonl");
        return File.Exists(plain) ? [.. File.ReadAllLines(plain).Where(l => l.Length > 0)] : [];
    }

    private sealed class Logger(StreamWriter lines, LabeledData<float> test, InteractionCheck check, optim.lr_scheduler.LRScheduler? scheduler, TextWriter log, string name) : TrainingCallback
    {
        public override void OnTrainStart(TrainingContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            Write(context, 0, null, null);
        }

        public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
        {
            ArgumentNullException.ThrowIfNull(context);
            ArgumentNullException.ThrowIfNull(metrics);
            scheduler?.step();
            Write(context, metrics.Epoch, metrics.TrainLoss, metrics.TrainAccuracy);
        }

        private void Write(TrainingContext context, int epoch, double? trainLoss, double? trainAccuracy)
        {
            var evaluation = new Evaluator().Evaluate(context.Model, test);
            var result = check.Run(context.Model, epoch);
            lines.WriteLine(new JsonObject
            {
                ["epoch"] = epoch,
                ["trainLoss"] = trainLoss,
                ["trainAccuracy"] = trainAccuracy,
                ["testLoss"] = evaluation.Loss,
                ["testAccuracy"] = evaluation.Accuracy,
                ["check"] = JsonNode.Parse(result.ToJson()),
            }.ToJsonString());
            lines.Flush();
            log.WriteLine(FormattableString.Invariant($"{DateTime.Now:HH:mm:ss} {name} epoch {epoch,2}: train {trainLoss:F3} test {evaluation.Loss:F3}/{evaluation.Accuracy:F3} spindle {result.Summary?.SpindleMass:F2}"));
        }
    }
}
