using Spindle.Monitor.EarlyStopping;
using Spindle.Trainers.Models;
using Spindle.Trainers.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Trainers.Tests.Training;

public class TrainerTests
{
    private static readonly int[] FlatShape = [16];

    [Test]
    public void Fit_TwoEpochs_CallsHooksInOrder()
    {
        var train = SyntheticData.Blobs(20, 2, FlatShape, seed: 1);
        var test = SyntheticData.Blobs(10, 2, FlatShape, seed: 2);
        using var model = NewMlp(seed: 3);
        using var optimizer = torch.optim.Adam(model.parameters(), 1e-3);
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = 2, BatchSize = 8 });
        var recorder = new RecordingCallback();
        trainer.Callbacks.Add(recorder);

        var result = trainer.Fit(train, test);

        // 20 samples in batches of 8: steps of 8, 8 and 4.
        string[] expected =
        [
            "train-start",
            "epoch-start 1", "batch 1.0", "batch 1.1", "batch 1.2", "epoch-end 1",
            "epoch-start 2", "batch 2.0", "batch 2.1", "batch 2.2", "epoch-end 2",
            "train-end Completed",
        ];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(recorder.Events, Is.EqualTo(expected).AsCollection);
            Assert.That(result.CompletedEpochs, Is.EqualTo(2));
            Assert.That(result.History.Select(m => m.Test!.Count), Is.All.EqualTo(10));
        }
    }

    [Test]
    public void Fit_StopRequestedAtEpochEnd_StopsAfterThatEpochWithItsReason()
    {
        var train = SyntheticData.Blobs(16, 2, FlatShape, seed: 1);
        using var model = NewMlp(seed: 3);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.01);
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = 5, BatchSize = 8 });
        var stopper = new RecordingCallback { StopAtEpochEnd = 2 };
        var after = new RecordingCallback();
        trainer.Callbacks.Add(stopper);
        trainer.Callbacks.Add(after);

        var result = trainer.Fit(train);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Decision.Reason, Is.EqualTo(StopReason.EarlyStopping));
            Assert.That(result.Decision.Message, Is.EqualTo("test stop at epoch end"));
            Assert.That(result.CompletedEpochs, Is.EqualTo(2));

            // Callbacks after the one that asked still see the epoch's end.
            Assert.That(after.Events, Does.Contain("epoch-end 2"));
            Assert.That(after.Events, Does.Not.Contain("epoch-start 3"));
            Assert.That(after.Events[^1], Is.EqualTo("train-end EarlyStopping"));
        }
    }

    [Test]
    public void Fit_StopRequestedAtBatchEnd_EndsWithoutFinishingTheEpoch()
    {
        var train = SyntheticData.Blobs(32, 2, FlatShape, seed: 1);
        using var model = NewMlp(seed: 3);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.01);
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = 3, BatchSize = 8 });
        var recorder = new RecordingCallback { StopAtBatch = (2, 1) };
        trainer.Callbacks.Add(recorder);

        var result = trainer.Fit(train);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Decision.Reason, Is.EqualTo(StopReason.Requested));
            Assert.That(result.CompletedEpochs, Is.EqualTo(1));
            Assert.That(recorder.Events[^2], Is.EqualTo("batch 2.1"));
            Assert.That(recorder.Events, Does.Not.Contain("epoch-end 2"));
        }
    }

    [Test]
    public void Fit_CancelledToken_StopsWithCancelled()
    {
        var train = SyntheticData.Blobs(16, 2, FlatShape, seed: 1);
        using var model = NewMlp(seed: 3);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.01);
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = 3, BatchSize = 8 });
        using var cancellation = new CancellationTokenSource();
        trainer.Callbacks.Add(new RecordingCallback { OnEpochStarting = e => { if (e == 2) { cancellation.Cancel(); } } });

        var result = trainer.Fit(train, cancellationToken: cancellation.Token);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Decision.Reason, Is.EqualTo(StopReason.Cancelled));
            Assert.That(result.CompletedEpochs, Is.EqualTo(1));
        }
    }

    [Test]
    public void Fit_NaNLoss_StopsWithDiverged()
    {
        var train = SyntheticData.Blobs(16, 2, FlatShape, seed: 1);
        using var model = NewMlp(seed: 3);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.01);
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = 2 }, (logits, labels) => nn.functional.cross_entropy(logits, labels).mul(double.NaN));

        var result = trainer.Fit(train);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Decision.Reason, Is.EqualTo(StopReason.Diverged));
            Assert.That(result.CompletedEpochs, Is.Zero);
        }
    }

    [Test]
    public void Fit_FiveEpochsWithEvaluationAndCheckpoints_LiveTensorCountStaysFlat()
    {
        var train = SyntheticData.Blobs(64, 4, [1, 8, 8], seed: 1);
        var test = SyntheticData.Blobs(32, 4, [1, 8, 8], seed: 2);
        var directory = TempDirectory();
        using var model = NewCnn(seed: 3, dropout: 0.5, classCount: 4);
        using var optimizer = torch.optim.Adam(model.parameters(), 1e-3);
        var trainer = new Trainer(model, optimizer, new TrainerOptions
        {
            Epochs = 5,
            BatchSize = 16,
            EvalBatchSize = 10,
            CheckpointPath = Path.Combine(directory, "last.ckpt"),
        });
        var recorder = new RecordingCallback();
        trainer.Callbacks.Add(recorder);

        trainer.Fit(train, test);

        // Epoch 1 creates the optimizer's moment buffers; from then on every step, evaluation and
        // checkpoint must release every tensor it creates: counts are integers, compared exactly.
        Assert.That(recorder.LiveTensorsAtEpochEnd.Skip(1), Is.All.EqualTo(recorder.LiveTensorsAtEpochEnd[1]), string.Join(", ", recorder.LiveTensorsAtEpochEnd));
    }

    [Test]
    public void Fit_SeparableBlobs_ReachesHighTestAccuracy()
    {
        // Ten classes whose centres are about 11 noise standard deviations apart: the Bayes accuracy is 1,
        // so a working loop must get near it. 0.95 leaves room for a few hard draws among 200 test samples.
        var train = SyntheticData.Blobs(500, 10, [1, 8, 8], seed: 1);
        var test = SyntheticData.Blobs(200, 10, [1, 8, 8], seed: 2);
        using var model = NewCnn(seed: 3, dropout: 0);
        using var optimizer = torch.optim.Adam(model.parameters(), 1e-3);
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = 5, BatchSize = 32 });

        var result = trainer.Fit(train, test);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.History[^1].Test!.Accuracy, Is.GreaterThanOrEqualTo(0.95));
            Assert.That(result.History[^1].TrainLoss, Is.LessThan(result.History[0].TrainLoss));
        }
    }

    [Test]
    public void Constructor_BadOptions_ThrowsWithTheName()
    {
        using var model = NewMlp(seed: 3);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.01);

        Assert.That(
            () => new Trainer(model, optimizer, new TrainerOptions { BatchSize = 0 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("BatchSize"));
    }

    internal static Mlp NewMlp(int seed)
    {
        torch.random.manual_seed(seed);
        return new Mlp(16, [8], 2);
    }

    internal static SmallCnn NewCnn(int seed, double dropout, int classCount = 10)
    {
        torch.random.manual_seed(seed);
        return new SmallCnn(1, 8, classCount, dropout);
    }

    internal static string TempDirectory()
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "tmp", TestContext.CurrentContext.Test.Name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }
}
