using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spindle.Monitor.Decomposition;
using Spindle.Monitor.Interactions;
using Spindle.Monitor.IO;
using Spindle.Monitor.Masking;
using Spindle.Regularizer;
using Spindle.Regularizer.Baselines;
using Spindle.Trainers.Data;
using Spindle.Trainers.Models;
using Spindle.Trainers.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Cli.Experiments;

/// <summary>
/// Trains the runs of the regularizer study one at a time and saves each run's record as it finishes
/// (<c>runs/{name}.json</c>); a rerun skips recorded runs. Baselines are saved under <c>baselines/</c> with their
/// provenance and reused by every run of the same model, size and seed.
/// </summary>
internal sealed class RegularizerRecorder
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly RegularizerStudySettings _settings;
    private readonly TextWriter _log;
    private TrainTestData<float>? _data;

    public RegularizerRecorder(RegularizerStudySettings settings, TextWriter log)
    {
        _settings = settings;
        _log = log;
    }

    public static string RecordPath(string runsFolder, RegularizerRun run) => Path.Combine(runsFolder, run.Name + ".json");

    public static bool IsComplete(string runsFolder, RegularizerRun run) => File.Exists(RecordPath(runsFolder, run));

    public static List<RegularizerRecord> ReadAll(string runsFolder) =>
        !Directory.Exists(runsFolder)
            ? []
            : [.. Directory.EnumerateFiles(runsFolder, "*.json").Order(StringComparer.Ordinal)
                .Select(f => JsonSerializer.Deserialize<RegularizerRecord>(File.ReadAllText(f)) ?? throw new InvalidDataException($"{f} is empty."))];

    /// <summary>Trains one run and saves its record, unless it is recorded.</summary>
    public bool Record(RegularizerRun run, CancellationToken cancellationToken)
    {
        if (IsComplete(_settings.RunsFolder, run))
        {
            return false;
        }

        var data = _data ??= FashionMnist.Load(_settings.DataDirectory, ImageDatasets.StandardNormalization(ImageDataset.FashionMnist));
        var pool = data.Train;
        var (trainIndices, heldOutIndices) = RegularizerSetup.Split(pool.Labels, pool.ClassCount, run.TrainSize, run.TrainSize, run.Seed);
        var train = pool.Select(trainIndices, $"fashion-mnist[{run.TrainSize}]");
        var evaluation = EvaluationSplit(data, trainIndices, heldOutIndices, run.Seed);
        var epochs = _settings.EpochsOf(run.Model);
        var device = torch.CPU;

        var baselineClock = Stopwatch.StartNew();
        var spec = new BaselineSpec
        {
            Model = run.Model,
            Dataset = "fashion-mnist",
            Split = string.Create(CultureInfo.InvariantCulture, $"train pool, {run.TrainSize} class-balanced (seed {run.Seed} + 7919), disjoint from the {run.TrainSize}-sample training subset (seed {run.Seed})"),
            Indices = heldOutIndices,
            Seed = run.Seed,
            Count = _settings.BaselineCount,
            Epochs = epochs,
            BatchSize = RegularizerStudySettings.BatchSize,
            LearningRate = RegularizerStudySettings.LearningRate,
        };
        var store = new BaselineStore(_settings.BaselinesFolder);
        var reused = Enumerable.Range(0, spec.Count).All(i => store.Contains(spec.Provenance(i)));
        var baselines = RegularizerSetup.Baselines(spec, pool, store, device, _log);
        var baselineSeconds = baselineClock.Elapsed.TotalSeconds;
        try
        {
            var trainedOn = run.Arm == RegularizerStudySettings.PlainEqualData
                ? pool.Select([.. trainIndices.Concat(heldOutIndices).Order()], $"fashion-mnist[{run.TrainSize}+{run.TrainSize}]")
                : train;
            torch.random.manual_seed(run.Seed);
            using var model = ModelFactory.Create(run.Model, pool.SampleShape, pool.ClassCount);
            model.to(device);
            using var optimizer = torch.optim.Adam(model.parameters(), RegularizerStudySettings.LearningRate);
            var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = epochs, BatchSize = RegularizerStudySettings.BatchSize, Seed = run.Seed, Device = device });
            TermTotals? totals = null;
            var batchNorm = run.Arm == RegularizerStudySettings.RegularizedRunningStatistics ? BatchNormStatistics.Running : BatchNormStatistics.Batch;
            if (RegularizerStudySettings.IsRegularized(run.Arm))
            {
                var regularizer = new InteractionRegularizer([.. baselines], new RegularizerOptions
                {
                    Lambda = _settings.Lambda,
                    WarmupSteps = _settings.Warmup,
                    VariableCount = _settings.TermVariables,
                    SamplesPerStep = _settings.TermSamples,
                    Every = _settings.TermEvery,
                    BatchNorm = batchNorm,
                });
                totals = RegularizerSetup.Attach(trainer, regularizer);
            }

            _log.Write($"{run.Name}: training on {trainedOn.Count} samples, {epochs} epochs... ");
            var result = trainer.Fit(trainedOn, null, cancellationToken);
            if (result.Decision.Reason == Monitor.EarlyStopping.StopReason.Cancelled)
            {
                throw new OperationCanceledException($"{run.Name} was cancelled; nothing was recorded for it.");
            }

            var trainSeconds = result.History.Sum(h => h.TrainSeconds);
            var evaluated = new Evaluator(500, device).Evaluate(model, evaluation);
            var trainProbes = Enumerable.Range(0, _settings.ProbeCount).Select(i => i * train.Count / _settings.ProbeCount).ToArray();
            var testProbes = Enumerable.Range(0, _settings.ProbeCount).Select(i => i * evaluation.Count / _settings.ProbeCount).ToArray();
            var record = new RegularizerRecord
            {
                Model = run.Model,
                TrainSize = run.TrainSize,
                HeldOutSize = heldOutIndices.Length,
                Seed = run.Seed,
                Arm = run.Arm,
                TrainedOn = trainedOn.Count,
                Epochs = result.History.Count,
                Steps = result.History.Count * ((trainedOn.Count + RegularizerStudySettings.BatchSize - 1) / RegularizerStudySettings.BatchSize),
                EvaluatedOn = _settings.Validation ? "validation" : "test",
                EvalCount = evaluation.Count,
                EvalAccuracy = evaluated.Accuracy,
                EvalLoss = evaluated.Loss,
                FinalTrainAccuracy = result.History[^1].TrainAccuracy,
                TrainSeconds = trainSeconds,
                TermSeconds = totals?.Seconds ?? 0,
                TermSteps = totals?.Steps ?? 0,
                MeanPenalty = totals is { Steps: > 0 } t ? t.Penalty / t.Steps : null,
                TermGeneralizableShare = totals is { SalientStrength: > 0 } s ? s.GeneralizableStrength / s.SalientStrength : null,
                TrainProbeShare = GeneralizableShare(model, baselines, train, trainProbes),
                TestProbeShare = GeneralizableShare(model, baselines, evaluation, testProbes),
                Lambda = totals is null ? null : _settings.Lambda,
                TermVariables = totals is null ? null : _settings.TermVariables,
                TermSamples = totals is null ? null : _settings.TermSamples,
                TermEvery = totals is null ? null : _settings.TermEvery,
                Warmup = totals is null ? null : _settings.Warmup,
                TermBatchNorm = totals is null ? null : RegularizerSetup.BatchNormName(batchNorm),
                BaselineCount = baselines.Count,
                BaselineSeconds = reused ? 0 : baselineSeconds,
                Threads = torch.get_num_threads(),
                FinishedUtc = DateTime.UtcNow,
            };
            Directory.CreateDirectory(_settings.RunsFolder);
            AtomicFile.WriteAllText(RecordPath(_settings.RunsFolder, run), JsonSerializer.Serialize(record, Indented));
            _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{record.EvaluatedOn} accuracy {record.EvalAccuracy:P2}, {trainSeconds:F0} s{(totals is null ? string.Empty : $" (term {totals.Seconds:F0} s)")}, generalizable share {record.TestProbeShare:F2} on test probes."));
            return true;
        }
        finally
        {
            baselines.ForEach(b => b.Dispose());
        }
    }

    /// <summary>The test split (or its first class-balanced part), or with --validation a split of the training pool outside both subsets.</summary>
    private LabeledData<float> EvaluationSplit(TrainTestData<float> data, int[] train, int[] heldOut, int seed)
    {
        if (_settings.Validation)
        {
            var used = train.Concat(heldOut).ToHashSet();
            var rest = Enumerable.Range(0, data.Train.Count).Where(i => !used.Contains(i)).ToArray();
            var chosen = DataSubsets.BalancedIndices([.. rest.Select(i => data.Train.Labels[i])], data.Train.ClassCount, RegularizerStudySettings.ValidationCount / data.Train.ClassCount, seed + 104729);
            return data.Train.Select([.. chosen.Select(j => rest[j])], "fashion-mnist validation");
        }

        if (_settings.TestSamples >= data.Test.Count)
        {
            return data.Test;
        }

        return DataSubsets.Balanced(data.Test, _settings.TestSamples / data.Test.ClassCount, 12345, $"fashion-mnist test[{_settings.TestSamples}]");
    }

    /// <summary>Σ|I| of generalizable over salient interactions (AND and OR, n = 8 patches of a 4x4 grid, as the monitor) on probes.</summary>
    private static double? GeneralizableShare(nn.Module<Tensor, Tensor> model, List<SplitClassifier> baselines, LabeledData<float> data, int[] probes)
    {
        using var scope = torch.NewDisposeScope();
        var (inputs, labels) = data.Batch(probes);
        var labelList = labels.data<long>().ToArray();
        var variables = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.RandomCentral(8, seed: 0, margin: 0));
        var evaluator = new MaskedOutputEvaluator();
        var target = InteractionAnalyzer.Analyze(evaluator.Evaluate(model, variables, inputs, labelList));
        var references = baselines.Select(b => InteractionAnalyzer.Analyze(evaluator.Evaluate(b, variables, inputs, labelList))).ToList();
        var split = Generalizability.Split(
            [.. target.Samples.Select(s => s.And)],
            [.. target.Samples.Select(s => s.Or)],
            [.. references.Select(r => (IReadOnlyList<double[]>)[.. r.Samples.Select(s => s.And)])],
            [.. references.Select(r => (IReadOnlyList<double[]>)[.. r.Samples.Select(s => s.Or)])],
            target.Tau);
        return split.All.Mass > 0 ? split.Generalizable.Mass / split.All.Mass : null;
    }
}
