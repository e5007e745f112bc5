using Spindle.Monitor.Checks;
using Spindle.Monitor.EarlyStopping;
using Spindle.Monitor.Masking;
using Spindle.Monitor.Monitoring;
using Spindle.Trainers.Data;
using Spindle.Trainers.Training;
using TorchSharp;

namespace Spindle.Trainers.Tests.Training;

internal sealed class InteractionMonitorCallbackTests
{
    private static readonly int[] ImageShape = [1, 8, 8];
    private static readonly int[] ProbeIndices = [0, 1, 2, 3];
    private static readonly int[] ThreeEpochs = [1, 2, 3];

    [Test]
    public void Fit_RuleStopsAtEpoch2_TrainerStopsAndRestoresTheBestCheck()
    {
        var train = SyntheticData.Blobs(64, 4, ImageShape, seed: 1);
        var directory = TrainerTests.TempDirectory();
        using var model = TrainerTests.NewCnn(seed: 3, dropout: 0, classCount: 4);
        using var optimizer = torch.optim.Adam(model.parameters(), 1e-3);
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = 5, BatchSize = 16, Seed = 5 });
        // Only a fall to 1% of the best improves: check 1 stays best and check 2 stops the run.
        var stopping = new EarlyStoppingOptions { Mode = EarlyStoppingMode.NoImprovement, MinDelta = 0.99, Patience = 1, Smoothing = 1, WarmUpChecks = 0 };
        var printed = new List<MonitorRecord>();
        using var callback = NewCallback(train, new MonitorOptions { CheckBudget = null, RunFolder = directory, EarlyStopping = stopping, Restore = MonitorRestore.BestInMemory, PublishMetrics = false }, printed.Add);
        trainer.Callbacks.Add(callback);

        var result = trainer.Fit(train);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.CompletedEpochs, Is.EqualTo(2));
            Assert.That(result.Decision.Reason, Is.EqualTo(StopReason.EarlyStopping));
            Assert.That(result.Decision.Message, Does.Contain("has not improved"));
            Assert.That(printed.Select(r => r.Epoch), Is.EqualTo(ProbeIndices.Take(2).Select(i => i + 1)));
            Assert.That(callback.RestoredEpoch, Is.EqualTo(1));
            Assert.That(InteractionMonitor.ReadLog(Path.Combine(directory, InteractionMonitor.LogFileName)), Has.Count.EqualTo(2));
        }
    }

    [Test]
    public void ResumeFrom_CheckpointAfterEpoch2_ContinuesTheRuleAndTheLog()
    {
        var train = SyntheticData.Blobs(64, 4, ImageShape, seed: 1);
        var directory = TrainerTests.TempDirectory();
        var last = Path.Combine(directory, "last.ckpt");
        var afterTwo = Path.Combine(directory, "after-two.ckpt");
        var options = new MonitorOptions { CheckBudget = null, RunFolder = directory, PublishMetrics = false };

        using var model = TrainerTests.NewCnn(seed: 3, dropout: 0, classCount: 4);
        using var optimizer = torch.optim.Adam(model.parameters(), 1e-3);
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = 3, BatchSize = 16, Seed = 5, CheckpointPath = last });
        using var callback = NewCallback(train, options);
        trainer.Callbacks.Add(callback);
        trainer.Callbacks.Add(new RecordingCallback { OnEpochStarting = e => { if (e == 3) { File.Copy(last, afterTwo); } } });
        trainer.Fit(train);
        var uninterrupted = callback.Monitor!.LastRecord!;

        using var resumedModel = TrainerTests.NewCnn(seed: 99, dropout: 0, classCount: 4);
        using var resumedOptimizer = torch.optim.Adam(resumedModel.parameters(), 1e-3);
        var resumed = new Trainer(resumedModel, resumedOptimizer, new TrainerOptions { Epochs = 3, BatchSize = 16, Seed = 5 });
        using var resumedCallback = NewCallback(train, options);
        resumed.Callbacks.Add(resumedCallback);
        resumed.ResumeFrom(afterTwo);
        resumed.Fit(train);
        var again = resumedCallback.Monitor!.LastRecord!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(InteractionMonitor.ReadLog(Path.Combine(directory, InteractionMonitor.LogFileName)).Select(l => (int)l["epoch"]!), Is.EqualTo(ThreeEpochs));
            Assert.That(resumedCallback.Monitor.Checks, Is.EqualTo(3));
            Assert.That(again.EarlyStopping.Checks, Is.EqualTo(3));
            Assert.That(again.Check.Fit.Delta, Is.EqualTo(uninterrupted.Check.Fit.Delta), "δ held from the first check");
            // The resumed training is bit-identical to the uninterrupted one (CheckpointTests), so is the check.
            Assert.That(again.Value, Is.EqualTo(uninterrupted.Value).Within(1e-9));
        }
    }

    private static InteractionMonitorCallback NewCallback(LabeledData<float> train, MonitorOptions options, Action<MonitorRecord>? onCheck = null)
    {
        var (probes, labels) = train.Batch(ProbeIndices);
        using (probes)
        using (labels)
        {
            var variables = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.RandomCentral(4, seed: 0, margin: 0));
            return new InteractionMonitorCallback(variables, probes, labels.data<long>().ToArray(), options, new CheckProvenance { Model = "cnn" }, onCheck);
        }
    }
}
