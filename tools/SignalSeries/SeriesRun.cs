using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spindle.Monitor.EarlyStopping;
using Spindle.Monitor.Interactions;
using Spindle.Monitor.IO;
using Spindle.Monitor.Masking;
using Spindle.Trainers.Data;
using Spindle.Trainers.Models;
using Spindle.Trainers.Training;
using TorchSharp;

namespace Spindle.Tools.SignalSeries;

/// <summary>One series run: data, probes, model, trainer and the recorder, wired as <c>spindle train</c> wires them.</summary>
internal static class SeriesRun
{
    /// <summary>The number of probe images: the first clean ones of the training split.</summary>
    public const int ProbeCount = 12;

    /// <summary>Input patches: n = 8 of a 4x4 grid (7x7 pixels on 28x28), one seed-0 choice per probe index.</summary>
    public const int InputGrid = 4;

    /// <summary>The number of input-patch variables.</summary>
    public const int InputVariables = 8;

    /// <summary>The number of feature-map variables (on the library's default 8x8 grid, central 6x6).</summary>
    public const int FeatureVariables = 10;

    /// <summary>The seed of the variable choice.</summary>
    public const int VariableSeed = 0;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>Runs (or skips, when complete) one series.</summary>
    /// <param name="settings">What to run.</param>
    /// <returns>The process exit code.</returns>
    public static int Execute(SeriesSettings settings)
    {
        var folder = Path.Combine(settings.OutputFolder, settings.RunName);
        var done = Path.Combine(folder, SeriesFiles.Done);
        if (File.Exists(done))
        {
            var epochs = JsonNode.Parse(File.ReadAllText(done))?["epochs"]?.GetValue<int>();
            if (epochs == settings.Epochs)
            {
                Console.WriteLine($"{settings.RunName}: complete ({epochs} epochs) in {folder}; skipped.");
                return 0;
            }

            Console.Error.WriteLine($"{settings.RunName}: {folder} holds a complete run of {epochs} epochs, not {settings.Epochs}; delete it or choose another --out.");
            return 2;
        }

        if (Directory.Exists(folder))
        {
            Console.WriteLine($"{settings.RunName}: {folder} holds an unfinished run; starting it again.");
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        if (settings.Threads is int threads)
        {
            torch.set_num_threads(threads);
        }

        var clock = Stopwatch.StartNew();
        var data = ImageDatasets.Load(ImageDataset.FashionMnistSubset, null, ImageDatasets.StandardNormalization(ImageDataset.FashionMnistSubset));
        var (train, flipped) = Prepare(data.Train, settings, folder);
        var probeIndices = Enumerable.Range(0, train.Count).Where(i => !flipped.Contains(i)).Take(ProbeCount).ToArray();
        var (probes, probeLabels) = train.Batch(probeIndices);
        var labels = probeLabels.data<long>().ToArray();
        probeLabels.Dispose();

        torch.random.manual_seed(settings.Seed);
        using var model = ModelFactory.Create(settings.Model, train.SampleShape, train.ClassCount, new ModelOptions { WidthMultiplier = settings.Width });
        using var optimizer = torch.optim.Adam(model.parameters(), 1e-3);
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = settings.Epochs, BatchSize = 64, Seed = settings.Seed });

        var inputGrid = new PatchGrid(InputGrid, InputGrid);
        var inputSelection = PatchSelection.RandomCentral(InputVariables, VariableSeed, margin: 0);
        var input = new InputPatchVariables(inputGrid, inputSelection);
        var (feature, featureNote) = FeatureVariablesFor(settings, model, probes);
        var analysis = new InteractionAnalysisOptions();
        WriteRunFile(folder, settings, model, train, probeIndices, labels, inputGrid, inputSelection, feature, featureNote, analysis);

        using var recorder = new SeriesRecorder(folder, probes, labels, input, feature, train, data.Test, analysis);
        trainer.Callbacks.Add(recorder);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{settings.RunName}: {settings.Model} ({model.parameters().Sum(p => p.numel()):N0} parameters), {train.Count} training images, {flipped.Count} labels flipped, "
            + $"{settings.Epochs} epochs, {torch.get_num_threads()} threads; probes [{string.Join(' ', probeIndices)}]; feature map: {featureNote}."));
        var result = trainer.Fit(train, data.Test);
        if (result.Decision.Reason != StopReason.Completed)
        {
            Console.Error.WriteLine($"{settings.RunName}: training stopped early: {result.Decision.Message}");
            return 1;
        }

        var best = recorder.Records.MinBy(r => r.TestLoss)!;
        var bestAccuracy = recorder.Records.MaxBy(r => r.TestAccuracy)!;
        var summary = new JsonObject
        {
            ["epochs"] = settings.Epochs,
            ["wallSeconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
            ["minTestLossEpoch"] = best.Epoch,
            ["minTestLoss"] = best.TestLoss,
            ["maxTestAccuracyEpoch"] = bestAccuracy.Epoch,
            ["maxTestAccuracy"] = bestAccuracy.TestAccuracy,
            ["finishedAt"] = DateTimeOffset.Now.ToString("O", CultureInfo.InvariantCulture),
        };
        AtomicFile.WriteAllText(done, summary.ToJsonString(JsonOptions));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{settings.RunName}: done in {clock.Elapsed.TotalSeconds:F0} s; test loss lowest at epoch {best.Epoch} ({best.TestLoss:F4}), test accuracy best at epoch {bestAccuracy.Epoch} ({bestAccuracy.TestAccuracy:F4})."));
        return 0;
    }

    /// <summary>The subset and label noise of <c>spindle train --subset N --label-noise F --seed S</c> (its TrainingRunner.Prepare, which is internal).</summary>
    private static (LabeledData<float> Train, HashSet<int> Flipped) Prepare(LabeledData<float> train, SeriesSettings settings, string folder)
    {
        if (settings.TrainCount < train.Count)
        {
            train = DataSubsets.Balanced(train, settings.TrainCount / train.ClassCount, settings.Seed, string.Create(CultureInfo.InvariantCulture, $"{train.Name}[{settings.TrainCount}]"));
        }

        if (settings.LabelNoise <= 0)
        {
            return (train, []);
        }

        var noisy = LabelNoise.Apply(train, settings.LabelNoise, settings.Seed);
        noisy.Record.Save(Path.Combine(folder, SeriesFiles.LabelNoise));
        return (noisy.Data, [.. noisy.Record.Indices]);
    }

    private static (FeatureMapPatchVariables? Variables, string Note) FeatureVariablesFor(SeriesSettings settings, SplitClassifier model, TorchSharp.torch.Tensor probes)
    {
        if (!settings.FeatureMap)
        {
            return (null, "not recorded (--feature-map none)");
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var shape = model.ForwardPrefix(probes[0..1]).shape;
        if (shape.Length != 4)
        {
            return (null, $"not recorded ({model.FeatureMapName} is [{string.Join(", ", shape)}], not a [batch, channels, height, width] map)");
        }

        return (new FeatureMapPatchVariables(PatchSelection.RandomCentral(FeatureVariables, VariableSeed)),
            string.Create(CultureInfo.InvariantCulture, $"{model.FeatureMapName} [{shape[1]}x{shape[2]}x{shape[3]}], n = {FeatureVariables} of an 8x8 grid (central 6x6)"));
    }

    private static void WriteRunFile(
        string folder,
        SeriesSettings settings,
        SplitClassifier model,
        LabeledData<float> train,
        int[] probeIndices,
        long[] labels,
        PatchGrid inputGrid,
        PatchSelection inputSelection,
        FeatureMapPatchVariables? feature,
        string featureNote,
        InteractionAnalysisOptions analysis)
    {
        var run = new JsonObject
        {
            ["tool"] = "tools/SignalSeries",
            ["commandLine"] = string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            ["model"] = settings.Model,
            ["width"] = settings.Width,
            ["parameters"] = model.parameters().Sum(p => p.numel()),
            ["data"] = train.Name,
            ["normalization"] = "Fashion-MNIST mean/std (as spindle train)",
            ["trainCount"] = train.Count,
            ["labelNoise"] = settings.LabelNoise,
            ["seed"] = settings.Seed,
            ["epochs"] = settings.Epochs,
            ["optimizer"] = "adam lr 1e-3, batch 64",
            ["probeIndices"] = new JsonArray([.. probeIndices.Select(i => (JsonNode?)i)]),
            ["probeLabels"] = new JsonArray([.. labels.Select(l => (JsonNode?)l)]),
            ["input"] = new JsonObject
            {
                ["grid"] = $"{inputGrid.Rows}x{inputGrid.Columns}",
                ["variables"] = inputSelection.Count,
                ["selection"] = $"PatchSelection.RandomCentral({inputSelection.Count}, seed: {VariableSeed}, margin: 0), per probe",
                ["baseline"] = 0.0,
                ["cellsPerProbe"] = new JsonArray([.. Enumerable.Range(0, probeIndices.Length).Select(p => (JsonNode?)new JsonArray([.. inputSelection.CellsFor(inputGrid, p).Select(c => (JsonNode?)c)]))]),
            },
            ["feature"] = feature is null ? featureNote : new JsonObject
            {
                ["featureMap"] = featureNote,
                ["variables"] = feature.Count,
                ["selection"] = $"PatchSelection.RandomCentral({feature.Count}, seed: {VariableSeed}), per probe",
                ["baseline"] = feature.Baseline,
                ["cellsPerProbe"] = new JsonArray([.. Enumerable.Range(0, probeIndices.Length).Select(p => (JsonNode?)new JsonArray([.. feature.Selection.CellsFor(feature.Grid, p).Select(c => (JsonNode?)c)]))]),
            },
            ["analysis"] = new JsonObject
            {
                ["solver"] = analysis.Solver.ToString(),
                ["noiseThreshold"] = analysis.NoiseThreshold,
                ["salienceFactor"] = analysis.SalienceFactor,
                ["foldFirstOrderOr"] = analysis.FoldFirstOrderOr,
                ["relativeGap"] = analysis.RelativeGap,
            },
            ["startedAt"] = DateTimeOffset.Now.ToString("O", CultureInfo.InvariantCulture),
        };
        AtomicFile.WriteAllText(Path.Combine(folder, SeriesFiles.Run), run.ToJsonString(JsonOptions));
    }
}
