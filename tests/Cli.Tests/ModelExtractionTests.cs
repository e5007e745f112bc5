using Spindle.Monitor.Interactions;
using Spindle.Monitor.Masking;
using Spindle.Trainers.Data;
using Spindle.Trainers.Models;
using Spindle.Trainers.Training;
using TorchSharp;

namespace Spindle.Cli.Tests;

public class ModelExtractionTests
{
    private static string _runFolder = string.Empty;

    [OneTimeSetUp]
    public void TrainTinyRun()
    {
        _runFolder = Path.Combine(TestFolders.Create(), "run");
        var settings = new TrainSettings { Model = "cnn", Epochs = 1, Subset = 200, BatchSize = 50, Seed = 5, SkipEvaluation = true };
        Assert.That(TrainCommand.Execute("train", settings, _runFolder, resume: false, [], CancellationToken.None), Is.Zero);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Extract_TrainedRun_EqualsExtractionWithTheCheckpointedModel(bool featureMap)
    {
        var placement = featureMap ? VariablePlacement.FeatureMap : VariablePlacement.Input;
        var request = new ModelExtractionRequest { RunFolder = _runFolder, Samples = [3, 7], Variables = 5, Placement = placement, Grid = 8, Seed = 2 };

        var extraction = ModelExtraction.Extract(request, new InteractionAnalysisOptions());

        // The same computation by hand: the run's model with the checkpoint's weights, the same test samples and masks.
        using var scope = torch.NewDisposeScope();
        var test = EmbeddedFashionMnist.Load(ImageDatasets.StandardNormalization(ImageDataset.FashionMnistSubset)).Test;
        using var model = ModelFactory.Create("cnn", test.SampleShape, test.ClassCount);
        CheckpointFile.ReadModel(Path.Combine(_runFolder, TrainingRunner.CheckpointFileName), model);
        var (inputs, labels) = test.Batch([3, 7]);
        var selection = PatchSelection.RandomCentral(5, 2, margin: 1);
        InputVariables variables = placement == VariablePlacement.FeatureMap
            ? new FeatureMapPatchVariables(selection, new PatchGrid(8, 8))
            : new InputPatchVariables(new PatchGrid(8, 8), selection);
        var outputs = new MaskedOutputEvaluator().Evaluate(model, variables, inputs, labels.data<long>().ToArray());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(extraction.VariableCount, Is.EqualTo(5));
            Assert.That(extraction.Samples, Has.Count.EqualTo(2));

            // Same weights, inputs and chunking: the masked outputs are computed identically, so exact equality.
            Assert.That(extraction.Samples.Select(s => s.Values).ToArray(), Is.EqualTo(outputs).AsCollection);
        }
    }

    [Test]
    public void Extract_TrainedRun_RecordsWhereTheOutputsCameFrom()
    {
        var request = new ModelExtractionRequest { RunFolder = _runFolder, Split = "train", Samples = [4, 1], Variables = 3, Placement = VariablePlacement.FeatureMap, Grid = 8, Seed = 7 };

        var extraction = InteractionExtraction.FromJson(ModelExtraction.Extract(request, new InteractionAnalysisOptions()).ToJson());

        var provenance = extraction.Provenance;
        Assert.That(provenance, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(provenance!.Model, Is.EqualTo("cnn"));
            Assert.That(provenance.Run, Is.EqualTo(_runFolder));
            Assert.That(provenance.Checkpoint, Is.EqualTo(Path.Combine(_runFolder, TrainingRunner.CheckpointFileName)));
            Assert.That(provenance.Epoch, Is.EqualTo(1));
            Assert.That(provenance.Split, Is.EqualTo("train"));
            Assert.That(provenance.SampleIndices, Is.EqualTo(request.Samples).AsCollection);
            Assert.That(provenance.Variables, Is.EqualTo("feature-map patches, 8x8 grid, n = 3"));
            Assert.That(provenance.VariableSeed, Is.EqualTo(7));
            Assert.That(provenance.Masking, Is.EqualTo("feature-map patches set to 0"));
        }
    }

    [Test]
    public void Extract_SampleOutOfRange_NamesTheIndexAndTheSplitSize()
    {
        var request = new ModelExtractionRequest { RunFolder = _runFolder, Samples = [1000] };
        Assert.That(
            () => ModelExtraction.Extract(request, new InteractionAnalysisOptions()),
            Throws.ArgumentException.With.Message.Contains("index 1000 is outside the 1000 samples"));
    }

    [Test]
    public void Extract_FolderWithoutConfig_SaysWhatIsMissing()
    {
        var request = new ModelExtractionRequest { RunFolder = TestFolders.Create(), Samples = [0] };
        Assert.That(
            () => ModelExtraction.Extract(request, new InteractionAnalysisOptions()),
            Throws.ArgumentException.With.Message.Contains("no config.json there"));
    }
}
