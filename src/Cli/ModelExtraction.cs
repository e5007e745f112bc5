using System.Globalization;
using Spindle.Monitor;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Interactions;
using Spindle.Monitor.Masking;
using Spindle.Trainers.Data;
using Spindle.Trainers.Models;
using Spindle.Trainers.Training;
using TorchSharp;

namespace Spindle.Cli;

/// <summary>Where the input variables of a model-driven extraction live.</summary>
internal enum VariablePlacement
{
    /// <summary>Patches of the input image (or token positions for text models).</summary>
    Input,

    /// <summary>Patches of the model's named intermediate feature map (<see cref="IFeatureMapSplit"/>).</summary>
    FeatureMap,
}

/// <summary>What <c>spindle extract --run</c> extracts: which samples of which run, and how they are masked.</summary>
internal sealed record ModelExtractionRequest
{
    /// <summary>Gets the run folder written by <c>spindle train</c> (its <c>config.json</c> rebuilds model and data).</summary>
    public required string RunFolder { get; init; }

    /// <summary>Gets the checkpoint to load; the run's <c>last.ckpt</c> when null.</summary>
    public string? Checkpoint { get; init; }

    /// <summary>Gets the split the samples come from: <c>train</c> or <c>test</c>.</summary>
    public string Split { get; init; } = "test";

    /// <summary>Gets the sample indices within the split.</summary>
    public required IReadOnlyList<int> Samples { get; init; }

    /// <summary>Gets the number n of input variables.</summary>
    public int Variables { get; init; } = DefaultVariables(VariablePlacement.Input);

    /// <summary>Gets where the variables are.</summary>
    public VariablePlacement Placement { get; init; } = VariablePlacement.Input;

    /// <summary>Gets the number of grid rows and columns for patches.</summary>
    public int Grid { get; init; } = DefaultGrid(VariablePlacement.Input);

    /// <summary>
    /// The default n: 8 input patches (on the built-in image models their spindle rises with the
    /// generalization gap and separates from probe noise, where feature-map patches after relu2 of the
    /// small CNN do not; docs/decomposition.md), 10 feature-map patches (appendix K.2).
    /// </summary>
    /// <param name="placement">Where the variables are.</param>
    /// <returns>n.</returns>
    public static int DefaultVariables(VariablePlacement placement) => placement == VariablePlacement.Input ? 8 : 10;

    /// <summary>The default grid: 4x4 for input patches (7x7 pixels on 28x28 images), 8x8 for feature maps (appendix K.2).</summary>
    /// <param name="placement">Where the variables are.</param>
    /// <returns>Rows (= columns) of the grid.</returns>
    public static int DefaultGrid(VariablePlacement placement) => placement == VariablePlacement.Input ? 4 : 8;

    /// <summary>Gets the seed of the random choice of patches or token positions.</summary>
    public int Seed { get; init; }
}

/// <summary>Runs the masked forward passes of a trained model from a run folder on chosen samples.</summary>
internal static class ModelExtraction
{
    /// <summary>Loads the run's model and data and extracts the interactions of the requested samples.</summary>
    /// <param name="request">What to extract.</param>
    /// <param name="options">The analysis options.</param>
    /// <returns>The extraction.</returns>
    /// <exception cref="ArgumentException">The request does not fit the run (unknown split, sample out of range, ...).</exception>
    /// <exception cref="InvalidDataException">The run folder or checkpoint is unreadable.</exception>
    public static InteractionExtraction Extract(ModelExtractionRequest request, InteractionAnalysisOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Samples.Count == 0)
        {
            throw new ArgumentException("--samples: give at least one sample index.");
        }

        var settingsPath = Path.Combine(request.RunFolder, TrainSettings.ConfigFile);
        if (!File.Exists(settingsPath))
        {
            throw new ArgumentException($"--run {request.RunFolder}: no {TrainSettings.ConfigFile} there; give a folder written by 'spindle train' or 'spindle demo'.");
        }

        var settings = TrainSettings.Load(request.RunFolder);
        var checkpoint = request.Checkpoint ?? Path.Combine(request.RunFolder, TrainingRunner.CheckpointFileName);
        if (!File.Exists(checkpoint))
        {
            throw new ArgumentException($"No checkpoint at {checkpoint}: the run has not finished an epoch yet.");
        }

        using var scope = torch.NewDisposeScope();
        if (settings.Dataset == "sst2")
        {
            if (request.Placement == VariablePlacement.FeatureMap)
            {
                throw new ArgumentException($"--on feature-map: {settings.Model} on {settings.Dataset} is a text run, whose variables are token positions replaced by [MASK]; use --on input.");
            }

            var encoder = BertTextEncoder.FromVocabulary(
                settings.Vocabulary ?? throw new InvalidDataException($"{settingsPath}: an sst2 run without a vocabulary."), settings.MaxLength);
            var text = Sst2Loader.LoadDirectory(settings.Data ?? throw new InvalidDataException($"{settingsPath}: an sst2 run without --data."), encoder);
            var tokens = TokenVariables.RandomPositions(
                encoder.MaskId, request.Variables, request.Seed, [encoder.ClsId, encoder.SepId, encoder.PadId]);
            var tokenProvenance = Provenance(request, settings, checkpoint, $"token positions, n = {request.Variables}", "token positions replaced by [MASK]");
            return Run(request, options, settings, checkpoint, Pick(text, request.Split), tokens, encoder.VocabularySize, tokenProvenance);
        }

        var images = Pick(TrainingRunner.LoadImages(settings), request.Split);
        var selection = PatchSelection.RandomCentral(request.Variables, request.Seed, margin: request.Grid > 4 ? 1 : 0);
        InputVariables variables = request.Placement == VariablePlacement.FeatureMap
            ? new FeatureMapPatchVariables(selection, new PatchGrid(request.Grid, request.Grid))
            : new InputPatchVariables(new PatchGrid(request.Grid, request.Grid), selection);
        var kind = request.Placement == VariablePlacement.FeatureMap ? "feature-map" : "input";
        var patchProvenance = Provenance(
            request,
            settings,
            checkpoint,
            string.Create(CultureInfo.InvariantCulture, $"{kind} patches, {request.Grid}x{request.Grid} grid, n = {request.Variables}"),
            $"{kind} patches set to 0");
        return Run(request, options, settings, checkpoint, images, variables, null, patchProvenance);
    }

    /// <summary>What identifies the extraction: everything but the epoch, which comes from the checkpoint.</summary>
    private static CheckProvenance Provenance(ModelExtractionRequest request, TrainSettings settings, string checkpoint, string variables, string masking) => new()
    {
        Model = settings.Model,
        Run = request.RunFolder,
        Checkpoint = checkpoint,
        Split = request.Split,
        SampleIndices = [.. request.Samples],
        Variables = variables,
        VariableSeed = request.Seed,
        Masking = masking,
    };

    private static InteractionExtraction Run<T>(
        ModelExtractionRequest request,
        InteractionAnalysisOptions options,
        TrainSettings settings,
        string checkpoint,
        LabeledData<T> data,
        InputVariables variables,
        int? vocabularySize,
        CheckProvenance provenance)
        where T : unmanaged
    {
        foreach (var index in request.Samples)
        {
            if ((uint)index >= (uint)data.Count)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--samples: index {index} is outside the {data.Count} samples of {data.Name}."));
            }
        }

        using var model = ModelFactory.Create(settings.Model, data.SampleShape, data.ClassCount, new ModelOptions
        {
            WidthMultiplier = settings.WidthMultiplier,
            Dropout = settings.Dropout,
            VocabularySize = vocabularySize,
        });
        var metadata = CheckpointFile.ReadModel(checkpoint, model);
        var (inputs, labels) = data.Batch(request.Samples.ToArray());
        var extractor = new InteractionExtractor(analysis: options);
        return extractor.Extract(model, variables, inputs, labels.data<long>().ToArray()).WithProvenance(provenance with { Epoch = metadata.Epoch });
    }

    private static LabeledData<T> Pick<T>(TrainTestData<T> data, string split)
        where T : unmanaged => split switch
        {
            "test" => data.Test,
            "train" => data.Train,
            _ => throw new ArgumentException($"--split must be 'train' or 'test', got '{split}'."),
        };
}
