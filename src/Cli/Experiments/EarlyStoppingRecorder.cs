using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spindle.Monitor.Checks;
using Spindle.Monitor.EarlyStopping;
using Spindle.Monitor.IO;
using Spindle.Monitor.Masking;
using Spindle.Trainers.Data;
using Spindle.Trainers.Models;
using Spindle.Trainers.Training;
using TorchSharp;

namespace Spindle.Cli.Experiments;

/// <summary>
/// Trains the runs of the early-stopping study one at a time and records every epoch, so that stopping rules are
/// simulated on saved series afterwards. Each run folder holds <c>run.json</c>, <c>epochs.jsonl</c> (one line per
/// epoch, flushed as written) and, once complete, <c>done.json</c>; a rerun skips complete runs and starts unfinished
/// ones again.
/// </summary>
internal sealed class EarlyStoppingRecorder
{
    /// <summary>The file of one line per epoch, while the run trains.</summary>
    public const string EpochsFile = "epochs.jsonl";

    /// <summary>The same lines gzipped, once the run is complete (the records that are kept).</summary>
    public const string CompressedEpochsFile = "epochs.jsonl.gz";

    /// <summary>The file written when a run is complete.</summary>
    public const string DoneFile = "done.json";

    /// <summary>The file of the run's settings.</summary>
    public const string RunFile = "run.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly EarlyStoppingStudySettings _settings;
    private readonly TextWriter _log;
    private TrainTestData<float>? _data;
    private LabeledData<float>? _test;

    /// <summary>Initializes a new instance of the <see cref="EarlyStoppingRecorder"/> class.</summary>
    /// <param name="settings">The study's settings.</param>
    /// <param name="log">Where progress goes.</param>
    public EarlyStoppingRecorder(EarlyStoppingStudySettings settings, TextWriter log)
    {
        _settings = settings;
        _log = log;
    }

    /// <summary>Gets whether a run's records are complete.</summary>
    /// <param name="runsFolder">The folder of run folders.</param>
    /// <param name="run">The run.</param>
    /// <returns>Whether its <c>done.json</c> exists.</returns>
    public static bool IsComplete(string runsFolder, EarlyStoppingRun run) => File.Exists(Path.Combine(runsFolder, run.Name, DoneFile));

    /// <summary>Trains one run and records it, unless its records are complete.</summary>
    /// <param name="run">The run.</param>
    /// <param name="cancellationToken">Stops after the current step; the run is then unfinished.</param>
    /// <returns>Whether the run was trained now (false: skipped as complete).</returns>
    public bool Record(EarlyStoppingRun run, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(_settings.RunsFolder, run.Name);
        if (File.Exists(Path.Combine(folder, DoneFile)))
        {
            return false;
        }

        if (Directory.Exists(folder))
        {
            _log.WriteLine($"{run.Name}: unfinished records in {folder}; training it again from the start.");
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        var clock = Stopwatch.StartNew();
        var (data, test) = Load();
        var train = data.Train;
        if (run.TrainCount > train.Count || run.TrainCount % train.ClassCount != 0)
        {
            throw new ArgumentException($"--train-sizes {run.TrainCount}: need a multiple of the {train.ClassCount} classes, at most the {train.Count} training images.");
        }

        train = DataSubsets.Balanced(train, run.TrainCount / train.ClassCount, run.Seed, string.Create(CultureInfo.InvariantCulture, $"{train.Name}[{run.TrainCount}]"));
        HashSet<int> flipped = [];
        if (run.LabelNoise > 0)
        {
            var noisy = LabelNoise.Apply(train, run.LabelNoise, run.Seed);
            train = noisy.Data;
            flipped = [.. noisy.Record.Indices];
        }

        LabeledData<float>? validation = null;
        int[] trainIndices = [.. Enumerable.Range(0, train.Count)];
        if (run.Arm == EarlyStoppingArm.Validation)
        {
            var split = DataSubsets.TrainValidation(train, EarlyStoppingStudySettings.ValidationFraction, run.Seed, stratified: true);
            train = split.Train;
            validation = split.Validation;
            trainIndices = split.TrainIndices;
        }

        torch.random.manual_seed(run.Seed);
        using var model = ModelFactory.Create(run.Model, train.SampleShape, train.ClassCount, new ModelOptions());
        using var optimizer = torch.optim.Adam(model.parameters(), EarlyStoppingStudySettings.LearningRate);
        var trainer = new Trainer(model, optimizer, new TrainerOptions
        {
            Epochs = _settings.Epochs,
            BatchSize = EarlyStoppingStudySettings.BatchSize,
            Seed = run.Seed,
        });
        var runInfo = new JsonObject
        {
            ["study"] = "spindle experiment early-stopping",
            ["arm"] = run.Arm.ToString().ToLowerInvariant(),
            ["model"] = run.Model,
            ["parameters"] = model.parameters().Sum(p => p.numel()),
            ["data"] = data.Train.Name,
            ["trainCount"] = run.TrainCount,
            ["trainedOn"] = train.Count,
            ["validationCount"] = validation?.Count,
            ["labelNoise"] = run.LabelNoise,
            ["flippedLabels"] = flipped.Count,
            ["seed"] = run.Seed,
            ["epochs"] = _settings.Epochs,
            ["optimizer"] = string.Create(CultureInfo.InvariantCulture, $"adam lr {EarlyStoppingStudySettings.LearningRate}, batch {EarlyStoppingStudySettings.BatchSize}"),
            ["testSamples"] = test.Count,
            ["threads"] = torch.get_num_threads(),
            ["startedAt"] = DateTimeOffset.Now.ToString("O", CultureInfo.InvariantCulture),
        };

        using var lines = new StreamWriter(Path.Combine(folder, EpochsFile), append: false, new UTF8Encoding(false));
        EpochLogger callback;
        if (run.Arm == EarlyStoppingArm.Monitor)
        {
            // Probes: the first training images whose labels were not flipped, with their labels; variables: n = 8 input
            // patches of a 4x4 grid (spindle train --monitor's choice), the same for every check of the run.
            int[] probeIndices = [.. Enumerable.Range(0, train.Count).Where(i => !flipped.Contains(i)).Take(EarlyStoppingStudySettings.ProbeCount)];
            var variables = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.RandomCentral(8, seed: 0, margin: 0));
            var (probes, labels) = train.Batch(probeIndices);
            var provenance = new CheckProvenance
            {
                Model = run.Model,
                Run = run.Name,
                Split = "train",
                SampleIndices = probeIndices,
                Variables = "input patches 4x4, n = 8",
                VariableSeed = 0,
                Masking = "input",
            };
            var check = new InteractionCheck(variables, probes, [.. labels.data<long>()], provenance: provenance);
            probes.Dispose();
            labels.Dispose();
            runInfo["probeIndices"] = new JsonArray([.. probeIndices.Select(i => (JsonNode?)i)]);
            runInfo["variables"] = "input patches, n = 8 of a 4x4 grid, PatchSelection.RandomCentral(8, seed: 0, margin: 0), zero baseline";
            runInfo["check"] = "InteractionCheck defaults (noise-operator decay, δ held after the first check, bootstrap over the probes)";
            callback = new EpochLogger(lines, test, null, check, null, _log, run.Name);
        }
        else
        {
            runInfo["validationRule"] = string.Create(
                CultureInfo.InvariantCulture,
                $"stop when the validation loss has not improved for {EarlyStoppingStudySettings.ValidationPatience} epochs; keep the epoch of the lowest validation loss");
            callback = new EpochLogger(lines, test, validation, null, EarlyStoppingStudySettings.ValidationPatience, _log, run.Name);
        }

        AtomicFile.WriteAllText(Path.Combine(folder, RunFile), runInfo.ToJsonString(Indented));
        using (callback)
        {
            trainer.Callbacks.Add(callback);
            _log.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{DateTime.Now:HH:mm:ss} {run.Name}: {run.Model} on {train.Count} images ({flipped.Count} labels flipped{(validation is null ? string.Empty : $", {validation.Count} held out")}), {_settings.Epochs} epochs, {torch.get_num_threads()} threads."));
            var result = trainer.Fit(train, validation, cancellationToken);
            if (result.Decision.Reason is StopReason.Cancelled)
            {
                throw new OperationCanceledException($"{run.Name}: interrupted after epoch {result.CompletedEpochs}; a rerun trains it again.");
            }

            lines.Close();
            Compress(Path.Combine(folder, EpochsFile), Path.Combine(folder, CompressedEpochsFile));
            var done = new JsonObject
            {
                ["completedEpochs"] = result.CompletedEpochs,
                ["stopReason"] = result.Decision.Reason.ToString(),
                ["stopMessage"] = result.Decision.Message,
                ["wallSeconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
                ["finishedAt"] = DateTimeOffset.Now.ToString("O", CultureInfo.InvariantCulture),
            };
            AtomicFile.WriteAllText(Path.Combine(folder, DoneFile), done.ToJsonString(Indented));
            _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss} {run.Name}: done in {clock.Elapsed.TotalSeconds:F0} s ({result.CompletedEpochs} epochs, {result.Decision.Reason})."));
        }

        return true;
    }

    /// <summary>Reads a run's epoch lines, from the gzipped file of a complete run or the plain one of an unfinished run.</summary>
    /// <param name="folder">The run folder.</param>
    /// <returns>The lines.</returns>
    public static IReadOnlyList<string> ReadEpochLines(string folder)
    {
        var compressed = Path.Combine(folder, CompressedEpochsFile);
        if (File.Exists(compressed))
        {
            using var gzip = new GZipStream(File.OpenRead(compressed), CompressionMode.Decompress);
            using var reader = new StreamReader(gzip, Encoding.UTF8);
            return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        }

        return [.. File.ReadAllLines(Path.Combine(folder, EpochsFile)).Where(l => l.Length > 0)];
    }

    private static void Compress(string source, string destination)
    {
        var temporary = destination + ".tmp";
        using (var input = File.OpenRead(source))
        using (var output = File.Create(temporary))
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            input.CopyTo(gzip);
        }

        File.Move(temporary, destination, overwrite: true);
        File.Delete(source);
    }

    private (TrainTestData<float> Data, LabeledData<float> Test) Load()
    {
        if (_data is null)
        {
            _data = _settings.DataDirectory is null
                ? EmbeddedFashionMnist.Load(PixelNormalization.FashionMnist)
                : FashionMnist.Load(_settings.DataDirectory, PixelNormalization.FashionMnist);
            var perClass = Math.Min(_settings.TestSamples, _data.Test.Count) / _data.Test.ClassCount;
            _test = DataSubsets.Balanced(_data.Test, perClass, EarlyStoppingStudySettings.TestSubsetSeed, string.Create(CultureInfo.InvariantCulture, $"{_data.Test.Name}[{perClass * _data.Test.ClassCount}]"));
        }

        return (_data, _test!);
    }

    /// <summary>Writes one line per epoch (epoch 0 is before training): losses, accuracies, seconds and, in the monitor arm, the check.</summary>
    private sealed class EpochLogger : TrainingCallback, IDisposable
    {
        private readonly StreamWriter _lines;
        private readonly LabeledData<float> _test;
        private readonly LabeledData<float>? _validation;
        private readonly InteractionCheck? _check;
        private readonly int? _patience;
        private readonly TextWriter _log;
        private readonly string _name;
        private double _bestValidationLoss = double.PositiveInfinity;
        private int _bestEpoch;

        public EpochLogger(StreamWriter lines, LabeledData<float> test, LabeledData<float>? validation, InteractionCheck? check, int? patience, TextWriter log, string name)
        {
            _lines = lines;
            _test = test;
            _validation = validation;
            _check = check;
            _patience = patience;
            _log = log;
            _name = name;
        }

        public override void OnTrainStart(TrainingContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            var evaluator = new Evaluator(device: context.Device);
            var validation = _validation is null ? null : evaluator.Evaluate(context.Model, _validation);
            Write(context, 0, null, null, 0, validation);
        }

        public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
        {
            ArgumentNullException.ThrowIfNull(context);
            ArgumentNullException.ThrowIfNull(metrics);
            Write(context, metrics.Epoch, metrics.TrainLoss, metrics.TrainAccuracy, metrics.TrainSeconds, metrics.Test);
            if (_patience is int patience && metrics.Test is { } validation)
            {
                if (validation.Loss < _bestValidationLoss)
                {
                    _bestValidationLoss = validation.Loss;
                    _bestEpoch = metrics.Epoch;
                }
                else if (metrics.Epoch - _bestEpoch >= patience)
                {
                    context.RequestStop(StopDecision.Stop(
                        StopReason.EarlyStopping,
                        string.Create(CultureInfo.InvariantCulture, $"validation loss has not improved for {patience} epochs; best at epoch {_bestEpoch} ({_bestValidationLoss:F4}).")));
                }
            }
        }

        public void Dispose() => _check?.Dispose();

        private void Write(TrainingContext context, int epoch, double? trainLoss, double? trainAccuracy, double trainSeconds, EvaluationResult? validation)
        {
            var clock = Stopwatch.StartNew();
            var test = new Evaluator(device: context.Device).Evaluate(context.Model, _test);
            var evalSeconds = clock.Elapsed.TotalSeconds;
            CheckResult? check = null;
            double? checkSeconds = null;
            if (_check is not null)
            {
                clock.Restart();
                check = _check.Run(context.Model, epoch);
                checkSeconds = clock.Elapsed.TotalSeconds;
            }

            var line = new JsonObject
            {
                ["epoch"] = epoch,
                ["trainLoss"] = trainLoss,
                ["trainAccuracy"] = trainAccuracy,
                ["testLoss"] = test.Loss,
                ["testAccuracy"] = test.Accuracy,
                ["validationLoss"] = validation?.Loss,
                ["validationAccuracy"] = validation?.Accuracy,
                ["trainSeconds"] = Math.Round(trainSeconds, 3),
                ["testSeconds"] = Math.Round(evalSeconds, 3),
                ["checkSeconds"] = checkSeconds is double s ? Math.Round(s, 3) : null,
                ["check"] = check is null ? null : JsonNode.Parse(check.ToJson()),
            };
            _lines.WriteLine(line.ToJsonString());
            _lines.Flush();
            var summary = check?.Summary;
            var validationText = validation is null ? string.Empty : FormattableString.Invariant($" val {validation.Loss:F4}/{validation.Accuracy:F4}");
            var checkText = summary is null ? string.Empty : FormattableString.Invariant($" spindle {summary.SpindleMass:F3} decay {summary.DecayMass:F3} check {checkSeconds:F1} s");
            _log.WriteLine(FormattableString.Invariant(
                $"{DateTime.Now:HH:mm:ss} {_name} epoch {epoch,3}: train {trainLoss:F4}/{trainAccuracy:F4} test {test.Loss:F4}/{test.Accuracy:F4}{validationText}{checkText} train {trainSeconds:F1} s"));
        }
    }
}
