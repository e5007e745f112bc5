using System.Globalization;
using Spindle.Trainers.Training;

namespace Spindle.Cli.Tests;

public class TextTrainingTests
{
    private static readonly string[] Positive = ["good", "great", "fine"];
    private static readonly string[] Negative = ["bad", "awful", "poor"];
    private static readonly string[] Subjects = ["the movie", "the film", "the plot", "the cast", "it"];

    [Test]
    public void Execute_BertTinyOnKeywordSentiment_LearnsTheKeywords()
    {
        var folder = TestFolders.Create();
        var data = Path.Combine(folder, "sst2");
        Directory.CreateDirectory(data);
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "movie", "film", "plot", "cast", "it", "was", "really", .. Positive, .. Negative]);
        WriteSplit(Path.Combine(data, "train.tsv"), repeats: 4, seed: 1);
        WriteSplit(Path.Combine(data, "dev.tsv"), repeats: 1, seed: 2);
        var runFolder = Path.Combine(folder, "run");
        var settings = new TrainSettings
        {
            Model = "bert-tiny",
            Dataset = "sst2",
            Data = data,
            Vocabulary = Path.Combine(folder, "vocab.txt"),
            MaxLength = 8,
            Epochs = 8,
            BatchSize = 16,
            Seed = 0,
        };

        var code = TrainCommand.Execute("train", settings, runFolder, resume: false, [], CancellationToken.None);
        var history = MetricsLogCallback.Read(Path.Combine(runFolder, TrainingRunner.MetricsFile));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero);

            // The label is a function of one keyword (3 per class): a working encoder and loop separate
            // the 30 dev sentences perfectly or nearly; 0.9 allows 3 errors, chance is 0.5.
            Assert.That(history[^1].Test!.Accuracy, Is.GreaterThanOrEqualTo(0.9), string.Join(", ", history.Select(m => m.Test!.Accuracy)));
        }
    }

    [Test]
    public void Extract_TextRunOnFeatureMap_SaysTextRunsMaskTokens()
    {
        var folder = TestFolders.Create();
        var data = Path.Combine(folder, "sst2");
        Directory.CreateDirectory(data);
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "movie", "film", "plot", "cast", "it", "was", "really", .. Positive, .. Negative]);
        WriteSplit(Path.Combine(data, "train.tsv"), repeats: 1, seed: 1);
        WriteSplit(Path.Combine(data, "dev.tsv"), repeats: 1, seed: 2);
        var runFolder = Path.Combine(folder, "run");
        var settings = new TrainSettings
        {
            Model = "bert-tiny", Dataset = "sst2", Data = data, Vocabulary = Path.Combine(folder, "vocab.txt"), MaxLength = 8, Epochs = 1, BatchSize = 16,
        };
        TrainCommand.Execute("train", settings, runFolder, resume: false, [], CancellationToken.None);
        var request = new ModelExtractionRequest { RunFolder = runFolder, Samples = [0], Variables = 3, Placement = VariablePlacement.FeatureMap };

        // Before: --on feature-map was ignored for text runs and the tokens were masked instead.
        Assert.That(
            () => ModelExtraction.Extract(request, new Monitor.Interactions.InteractionAnalysisOptions()),
            Throws.ArgumentException.With.Message.Contains("--on feature-map"));
    }

    private static void WriteSplit(string path, int repeats, int seed)
    {
        var random = new Random(seed);
        var lines = new List<string> { "sentence\tlabel" };
        for (var r = 0; r < repeats; r++)
        {
            foreach (var subject in Subjects)
            {
                for (var k = 0; k < 3; k++)
                {
                    var adverb = random.Next(2) == 0 ? string.Empty : "really ";
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"{subject} was {adverb}{Positive[k]}\t1"));
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"{subject} was {adverb}{Negative[k]}\t0"));
                }
            }
        }

        File.WriteAllLines(path, lines);
    }
}
