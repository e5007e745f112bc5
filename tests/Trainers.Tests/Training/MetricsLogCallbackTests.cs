using Spindle.Trainers.Training;
using TorchSharp;

namespace Spindle.Trainers.Tests.Training;

public class MetricsLogCallbackTests
{
    private static readonly int[] ThreeEpochs = [1, 2, 3];
    private static readonly int[] TwoEpochs = [1, 2];

    [Test]
    public void Fit_WithLog_WritesOneLinePerEpochAndResumeDropsLostEpochs()
    {
        var train = SyntheticData.Blobs(16, 2, [16], seed: 1);
        var directory = TrainerTests.TempDirectory();
        var log = Path.Combine(directory, "metrics.jsonl");
        var checkpoint = Path.Combine(directory, "last.ckpt");
        var afterOne = Path.Combine(directory, "after-one.ckpt");

        using var model = TrainerTests.NewMlp(seed: 1);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.1);
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = 3, BatchSize = 8, CheckpointPath = checkpoint });
        trainer.Callbacks.Add(new MetricsLogCallback(log));
        trainer.Callbacks.Add(new RecordingCallback { OnEpochStarting = e => { if (e == 2) { File.Copy(checkpoint, afterOne); } } });
        var full = trainer.Fit(train);
        var written = MetricsLogCallback.Read(log);

        // Resume from epoch 1 with a shorter target: the log must forget epochs 2 and 3 of the first run.
        using var resumedModel = TrainerTests.NewMlp(seed: 1);
        using var resumedOptimizer = torch.optim.SGD(resumedModel.parameters(), 0.1);
        var resumed = new Trainer(resumedModel, resumedOptimizer, new TrainerOptions { Epochs = 2, BatchSize = 8 });
        resumed.Callbacks.Add(new MetricsLogCallback(log));
        resumed.ResumeFrom(afterOne);
        resumed.Fit(train);
        var rewritten = MetricsLogCallback.Read(log);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(written.Select(m => m.Epoch), Is.EqualTo(ThreeEpochs).AsCollection);
            Assert.That(written, Is.EqualTo(full.History).AsCollection);
            Assert.That(rewritten.Select(m => m.Epoch), Is.EqualTo(TwoEpochs).AsCollection);
        }
    }

    [Test]
    public void OnTrainStart_ResumedRun_RewritesTheLogWithoutAByteOrderMark()
    {
        var train = SyntheticData.Blobs(16, 2, [16], seed: 1);
        var directory = TrainerTests.TempDirectory();
        var log = Path.Combine(directory, "metrics.jsonl");
        var checkpoint = Path.Combine(directory, "last.ckpt");
        using var model = TrainerTests.NewMlp(seed: 1);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.1);
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = 1, BatchSize = 8, CheckpointPath = checkpoint });
        trainer.Callbacks.Add(new MetricsLogCallback(log));
        trainer.Fit(train);

        // Resume: the kept lines are rewritten; a BOM there breaks line-by-line JSON readers (jq, Python's json).
        using var resumedModel = TrainerTests.NewMlp(seed: 1);
        using var resumedOptimizer = torch.optim.SGD(resumedModel.parameters(), 0.1);
        var resumed = new Trainer(resumedModel, resumedOptimizer, new TrainerOptions { Epochs = 2, BatchSize = 8 });
        resumed.Callbacks.Add(new MetricsLogCallback(log));
        resumed.ResumeFrom(checkpoint);
        resumed.Fit(train);

        var bytes = File.ReadAllBytes(log);
        Assert.That(bytes[0], Is.EqualTo((byte)'{'), "the log must start with the first JSON object, not a byte-order mark");
    }
}
