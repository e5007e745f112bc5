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
        var settings = new TrainSettings { Model = "cnn", Epochs = 2, Subset = 200, BatchSize = 50, Seed = 3, LabelNoise = 0.1, Monitor = true };
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
    public void Validate_MonitorWithBertTiny_SaysItIsNotSupported() =>
        Assert.That(() => new TrainSettings { Model = "bert-tiny", Dataset = "sst2", Monitor = true }.Validate(), Throws.ArgumentException.With.Message.Contains("--monitor"));
}
