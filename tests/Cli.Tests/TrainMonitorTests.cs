using Spindle.Monitor.Checks;
using Spindle.Monitor.Monitoring;
using Spindle.Trainers.Data;

namespace Spindle.Cli.Tests;

[NonParallelizable]
public class TrainMonitorTests
{
    private static readonly int[] TwoEpochs = [1, 2];
    private static readonly int[] ThreeEpochs = [1, 2, 3];

    [Test]
    public void Execute_MonitorThenResume_LogsOneCheckPerEpochOnCleanProbesAndContinuesTheLog()
    {
        var runFolder = Path.Combine(TestFolders.Create(), "run");
        var settings = new TrainSettings { Model = "cnn", Epochs = 2, Subset = 200, BatchSize = 50, Seed = 3, LabelNoise = 0.1, Monitor = true, MonitorBudget = null };
        var log = Path.Combine(runFolder, InteractionMonitor.LogFileName);
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        int first, second;
        IReadOnlyList<int> afterFirst;
        try
        {
            first = TrainCommand.Execute("train", settings, runFolder, resume: false, [], CancellationToken.None);
            afterFirst = InteractionMonitor.ReadLog(log).Select(l => (int)l["epoch"]!).ToList();
            second = TrainCommand.Execute("train", TrainSettings.Load(runFolder) with { Epochs = 3 }, runFolder, resume: true, [], CancellationToken.None);
        }
        finally
        {
            Console.SetOut(previous);
        }

        var records = InteractionMonitor.ReadLog(log);
        var check = CheckResult.FromJson(records[^1]["check"]!.ToJsonString());
        var flipped = LabelNoiseRecord.Load(Path.Combine(runFolder, TrainingRunner.NoiseFile)).Indices;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Is.Zero);
            Assert.That(second, Is.Zero);
            Assert.That(afterFirst, Is.EqualTo(TwoEpochs));
            Assert.That(records.Select(l => (int)l["epoch"]!), Is.EqualTo(ThreeEpochs));
            Assert.That((int?)records[^1]["earlyStopping"]!["checks"], Is.EqualTo(3), "the rule's state came back from the checkpoint");
            Assert.That(check.SampleCount, Is.EqualTo(MonitorSetup.ProbeCount));
            Assert.That(check.VariableCount, Is.EqualTo(8));
            Assert.That(check.Provenance.SampleIndices, Is.Not.Empty.And.No.AnyOf(flipped), "probes are training samples whose labels were not flipped");
            // The run header goes through Spectre.Console, which may hold the console of an earlier test: not asserted here.
            Assert.That(output.ToString(), Does.Contain("spindle ").And.Contain("rule:"));
            Assert.That(MonitorSetup.Describe(settings), Does.Contain("advisory"));
        }
    }

    [Test]
    public void Execute_MonitorWithTheDefaultBudget_LogsEveryCheckThatRanAndCountsTheSkippedOnes()
    {
        // The default budget (10% of the loop's time): on 200 images a check costs more than an epoch, so after the
        // first check the budget skips checks; every check that ran has its line, and the last line counts the skips.
        var runFolder = Path.Combine(TestFolders.Create(), "run");
        var settings = new TrainSettings { Model = "cnn", Epochs = 3, Subset = 200, BatchSize = 50, Seed = 3, Monitor = true };
        var previous = Console.Out;
        Console.SetOut(TextWriter.Null);
        int code;
        try
        {
            code = TrainCommand.Execute("train", settings, runFolder, resume: false, [], CancellationToken.None);
        }
        finally
        {
            Console.SetOut(previous);
        }

        var log = InteractionMonitor.ReadLog(Path.Combine(runFolder, InteractionMonitor.LogFileName));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero);
            Assert.That(settings.MonitorBudget, Is.EqualTo(0.1), "the default budget");
            Assert.That((int)log[0]["epoch"]!, Is.EqualTo(1), "the first check always runs");
            Assert.That(log.Count + (int)log[^1]["skippedChecks"]!, Is.LessThanOrEqualTo(3));
            Assert.That((double)log[^1]["checkSeconds"]! / (double)log[^1]["loopSeconds"]!, Is.GreaterThan(0));
            Assert.That(MonitorSetup.Describe(settings), Does.Contain("within 10% of the loop's time"));
        }
    }

    [Test]
    public void Validate_MonitorWithBertTiny_SaysItIsNotSupported() =>
        Assert.That(() => new TrainSettings { Model = "bert-tiny", Dataset = "sst2", Monitor = true }.Validate(), Throws.ArgumentException.With.Message.Contains("--monitor"));
}
