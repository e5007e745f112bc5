using System.Text.Json.Nodes;
using Spindle.Regularizer.Baselines;
using Spindle.Trainers.Training;

namespace Spindle.Cli.Tests;

public class TrainRegularizeTests
{
    [Test]
    public void Execute_Regularize_TrainsTheBaselineOnceLogsTheTermAndReusesTheBaseline()
    {
        var output = TestFolders.Create();
        var baselines = Path.Combine(output, "baselines");
        var settings = new TrainSettings
        {
            Model = "cnn", Epochs = 1, Subset = 100, BatchSize = 50, Seed = 3, Regularize = true, TermVariables = 3, TermSamples = 1, LambdaWarmup = 0, Baselines = baselines,
        };

        var first = TrainCommand.Execute("train", settings, Path.Combine(output, "a"), resume: false, [], CancellationToken.None);
        var records = Directory.GetFiles(baselines, "*.json");
        var written = File.GetLastWriteTimeUtc(Directory.GetFiles(baselines, "*.weights").Single());
        var second = TrainCommand.Execute("train", settings, Path.Combine(output, "b"), resume: false, [], CancellationToken.None);
        var log = File.ReadAllLines(Path.Combine(output, "a", RegularizerLogCallback.LogFileName)).Select(l => JsonNode.Parse(l)!).ToList();
        var metrics = MetricsLogCallback.Read(Path.Combine(output, "a", TrainingRunner.MetricsFile));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Is.Zero);
            Assert.That(second, Is.Zero);
            Assert.That(records, Has.Length.EqualTo(1));
            var provenance = System.Text.Json.JsonSerializer.Deserialize<BaselineRecord>(File.ReadAllText(records[0]))!.Provenance;
            Assert.That(provenance.SampleCount, Is.EqualTo(100), "the held-out split defaults to the --subset size");
            Assert.That(provenance.Seed, Is.EqualTo(1003));
            Assert.That(File.GetLastWriteTimeUtc(Directory.GetFiles(baselines, "*.weights").Single()), Is.EqualTo(written), "the second run reused the baseline");
            Assert.That(log, Has.Count.EqualTo(1));
            Assert.That(log[0]["termSteps"]!.GetValue<int>(), Is.EqualTo(2), "100 samples in batches of 50, the term at every step");
            Assert.That(log[0]["cachedSamples"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(metrics.Single().Test, Is.Not.Null);
        }
    }

    /// <summary>
    /// --term-batch-norm reaches the term: on ResNet-20 (batch norm) the first step's penalty, before any update, differs
    /// between the masked batch's statistics and the running ones; on the CNN (no batch norm) it is the same number.
    /// </summary>
    [TestCase("resnet20", false)]
    [TestCase("cnn", true)]
    public void Execute_TermBatchNorm_ChangesThePenaltyOnlyForABatchNormModel(string model, bool same)
    {
        var output = TestFolders.Create();
        double FirstPenalty(string statistics)
        {
            var settings = new TrainSettings
            {
                Model = model, Epochs = 1, Subset = 50, BatchSize = 50, Seed = 3, Regularize = true, TermVariables = 3, TermSamples = 1, LambdaWarmup = 0,
                Baselines = Path.Combine(output, "baselines"), TermBatchNorm = statistics,
            };
            var folder = Path.Combine(output, statistics);
            Assert.That(TrainCommand.Execute("train", settings, folder, resume: false, [], CancellationToken.None), Is.Zero);
            return JsonNode.Parse(File.ReadAllLines(Path.Combine(folder, RegularizerLogCallback.LogFileName))[0])!["meanPenalty"]!.GetValue<double>();
        }

        var batch = FirstPenalty("batch");
        var running = FirstPenalty("running");

        // One step per epoch here (50 samples, batch 50), so the logged mean is the penalty of the untrained model's first
        // batch; the same arithmetic on the same weights gives the same double, so any difference is the statistics.
        Assert.That(batch, Is.GreaterThan(0));
        Assert.That(running, same ? Is.EqualTo(batch) : Is.Not.EqualTo(batch).Within(1e-3 * batch));
    }

    [Test]
    public void Split_HeldOutIsDisjointFromTheSubsetAndTheSubsetIsThePlainRunsOne()
    {
        var labels = Enumerable.Range(0, 400).Select(i => i % 4).ToArray();
        var (train, heldOut) = RegularizerSetup.Split(labels, 4, 40, 20, seed: 5);
        var plain = Trainers.Data.DataSubsets.BalancedIndices(labels, 4, 10, 5);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(train, Is.EqualTo(plain), "--regularize trains on the same subset as a plain run with the same --subset and --seed");
            Assert.That(heldOut, Has.Length.EqualTo(20));
            Assert.That(heldOut.Intersect(train), Is.Empty);
            Assert.That(heldOut.GroupBy(i => labels[i]).Select(g => g.Count()), Is.All.EqualTo(5));
        }
    }

    [Test]
    public void Split_WithoutSubset_TakesTheHeldOutSplitOutOfTheTrainingData()
    {
        var labels = Enumerable.Range(0, 100).Select(i => i % 2).ToArray();
        var (train, heldOut) = RegularizerSetup.Split(labels, 2, null, 10, seed: 1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(train, Has.Length.EqualTo(90));
            Assert.That(train.Concat(heldOut).Order(), Is.EqualTo(Enumerable.Range(0, 100)));
        }
    }

    [Test]
    public void Create_TermOptionWithoutRegularize_NamesTheOption()
    {
        var (code, error) = Invoke(["--lambda", "0.1", "--term-every", "2", "--output", TestFolders.Create()]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.Contain("--lambda, --term-every apply with --regularize only"));
        }
    }

    [TestCase("--lambda", "-1", "--lambda must be finite and at least 0")]
    [TestCase("--term-variables", "13", "--term-variables must be in 1..12")]
    [TestCase("--baseline-count", "4", "--baseline-count must be 1, 2 or 3")]
    public void Create_RegularizeWithABadValue_NamesTheOption(string option, string value, string message)
    {
        var output = TestFolders.Create();
        var (code, error) = Invoke(["--regularize", "--subset", "100", option, value, "--output", output]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.Contain(message));
        }
    }

    [Test]
    public void Create_RegularizeWithoutSubsetOrHoldoutCount_SaysWhatIsMissing()
    {
        var (code, error) = Invoke(["--regularize", "--epochs", "1", "--output", TestFolders.Create()]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.Contain("--holdout-count"));
        }
    }

    private static (int Code, string Error) Invoke(string[] arguments)
    {
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            return (TrainCommand.Create().Parse(arguments).Invoke(), error.ToString());
        }
        finally
        {
            Console.SetError(previous);
        }
    }
}
