using Spindle.Trainers.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Trainers.Tests.Training;

public class CheckpointTests
{
    private static readonly int[] ImageShape = [1, 8, 8];
    private static readonly string[] OnlyCheckpoint = ["last.ckpt"];

    [Test]
    public void ResumeFrom_CheckpointAfterEpochTwo_MatchesUninterruptedRun()
    {
        var train = SyntheticData.Blobs(96, 4, ImageShape, seed: 1);
        var test = SyntheticData.Blobs(32, 4, ImageShape, seed: 2);
        var directory = TrainerTests.TempDirectory();
        var last = Path.Combine(directory, "last.ckpt");
        var afterTwo = Path.Combine(directory, "after-two.ckpt");

        // Uninterrupted: three epochs; keep a copy of the checkpoint written after epoch 2.
        using var model = TrainerTests.NewCnn(seed: 3, dropout: 0.5, classCount: 4);
        using var optimizer = torch.optim.Adam(model.parameters(), 1e-3);
        var trainer = new Trainer(model, optimizer, Options(last));
        var counter = new RecordingCallback { OnEpochStarting = e => { if (e == 3) { File.Copy(last, afterTwo); } } };
        trainer.Callbacks.Add(counter);
        var full = trainer.Fit(train, test);

        // Resumed: a model initialised differently, a fresh optimizer, and a disturbed global generator.
        using var resumedModel = TrainerTests.NewCnn(seed: 99, dropout: 0.5, classCount: 4);
        using var resumedOptimizer = torch.optim.Adam(resumedModel.parameters(), 1e-3);
        var resumed = new Trainer(resumedModel, resumedOptimizer, Options(Path.Combine(directory, "resumed.ckpt")));
        var resumedCounter = new RecordingCallback();
        resumed.Callbacks.Add(resumedCounter);
        torch.random.manual_seed(12345);
        var metadataEpoch = CheckpointFile.ReadMetadata(afterTwo).Epoch;
        resumed.ResumeFrom(afterTwo);
        var partial = resumed.Fit(train, test);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(metadataEpoch, Is.EqualTo(2));
            Assert.That(partial.CompletedEpochs, Is.EqualTo(3));
            Assert.That(resumedCounter.Events.Count(e => e.StartsWith("epoch-start", StringComparison.Ordinal)), Is.EqualTo(1));

            // Same weights, data order, dropout masks and optimizer moments give the same float
            // operations in the same order on one CPU thread pool: the results should be bit-identical;
            // 1e-6 only absorbs a change of summation order, far below any real difference (~1e-3).
            Assert.That(partial.History[2].TrainLoss, Is.EqualTo(full.History[2].TrainLoss).Within(1e-6));
            Assert.That(partial.History[2].Test!.Loss, Is.EqualTo(full.History[2].Test!.Loss).Within(1e-6));
            Assert.That(MaxWeightDifference(model, resumedModel), Is.LessThanOrEqualTo(1e-6));

            // The callback's state came back: 2 epochs x 6 steps seen before the checkpoint.
            Assert.That(resumedCounter.LoadedBatchesSeen, Is.EqualTo(12));
            Assert.That(partial.History.Take(2).Select(m => m.TrainLoss), Is.EqualTo(full.History.Take(2).Select(m => m.TrainLoss)).AsCollection);
        }
    }

    [Test]
    public void ResumeFrom_WithoutGeneratorState_WouldDiffer()
    {
        // Control for the test above: with dropout on, the third epoch depends on the generator state,
        // so the equality there is evidence the generator state is restored, not a coincidence.
        var train = SyntheticData.Blobs(96, 4, ImageShape, seed: 1);
        var directory = TrainerTests.TempDirectory();
        var checkpoint = Path.Combine(directory, "last.ckpt");
        using var model = TrainerTests.NewCnn(seed: 3, dropout: 0.5, classCount: 4);
        using var optimizer = torch.optim.Adam(model.parameters(), 1e-3);
        new Trainer(model, optimizer, Options(checkpoint, epochs: 2)).Fit(train);

        var losses = new List<double>();
        foreach (var disturb in new[] { false, true })
        {
            using var resumedModel = TrainerTests.NewCnn(seed: 3, dropout: 0.5, classCount: 4);
            using var resumedOptimizer = torch.optim.Adam(resumedModel.parameters(), 1e-3);
            var resumed = new Trainer(resumedModel, resumedOptimizer, Options(null, epochs: 3));
            resumed.ResumeFrom(checkpoint);
            if (disturb)
            {
                torch.random.manual_seed(777);
            }

            losses.Add(resumed.Fit(train).History[2].TrainLoss);
        }

        // Different dropout masks change the epoch's mean loss by far more than 1e-6.
        Assert.That(Math.Abs(losses[0] - losses[1]), Is.GreaterThan(1e-6));
    }

    [Test]
    public void ResumeFrom_OtherModelType_ThrowsInvalidData()
    {
        var train = SyntheticData.Blobs(16, 2, [16], seed: 1);
        var checkpoint = Path.Combine(TrainerTests.TempDirectory(), "mlp.ckpt");
        using var mlp = TrainerTests.NewMlp(seed: 1);
        using var mlpOptimizer = torch.optim.SGD(mlp.parameters(), 0.1);
        new Trainer(mlp, mlpOptimizer, Options(checkpoint, epochs: 1)).Fit(train);

        using var cnn = TrainerTests.NewCnn(seed: 1, dropout: 0, classCount: 2);
        using var cnnOptimizer = torch.optim.SGD(cnn.parameters(), 0.1);
        var trainer = new Trainer(cnn, cnnOptimizer);

        Assert.That(() => trainer.ResumeFrom(checkpoint), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("Mlp"));
    }

    [Test]
    public void ReadMetadata_NotACheckpoint_ThrowsInvalidData()
    {
        var path = Path.Combine(TrainerTests.TempDirectory(), "junk.ckpt");
        File.WriteAllText(path, "hello");

        Assert.That(() => CheckpointFile.ReadMetadata(path), Throws.InstanceOf<InvalidDataException>());
    }

    /// <summary>Writes a one-epoch MLP checkpoint and returns its bytes, with the model it holds.</summary>
    private static (byte[] Bytes, nn.Module<Tensor, Tensor> Model) OneEpochCheckpoint()
    {
        var train = SyntheticData.Blobs(16, 2, [16], seed: 1);
        var path = Path.Combine(TrainerTests.TempDirectory(), "last.ckpt");
        var model = TrainerTests.NewMlp(seed: 1);
        using var optimizer = torch.optim.Adam(model.parameters(), 1e-3);
        new Trainer(model, optimizer, Options(path, epochs: 1)).Fit(train);
        return (File.ReadAllBytes(path), model);
    }

    // A cut in the last 12 bytes (the end marker), in the optimizer state, and a changed marker byte: the weights a
    // reader of the model alone needs are whole in each, and each file is still refused.
    [TestCase(1)]
    [TestCase(12)]
    [TestCase(40)]
    [TestCase(-1)]
    public void ReadModel_FileCutOrDamagedAfterTheWeights_IsRefused(int cut)
    {
        var (bytes, model) = OneEpochCheckpoint();
        using (model)
        {
            var path = Path.Combine(TrainerTests.TempDirectory(), "damaged.ckpt");
            if (cut > 0)
            {
                File.WriteAllBytes(path, bytes[..^cut]);
            }
            else
            {
                bytes[^1] ^= 0x01;
                File.WriteAllBytes(path, bytes);
            }

            using var reader = TrainerTests.NewMlp(seed: 2);
            Assert.That(() => CheckpointFile.ReadModel(path, reader), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("truncated or damaged"));
        }
    }

    [Test]
    public void ReadModel_FormatOneWithoutEndMarker_StillReadsTheWeights()
    {
        // Format 1 is format 2 without the 12-byte end marker: the version follows the magic string (1 length byte, 18 bytes).
        var (bytes, model) = OneEpochCheckpoint();
        using (model)
        {
            var formatOne = bytes[..^12];
            BitConverter.GetBytes(1).CopyTo(formatOne, 19);
            var path = Path.Combine(TrainerTests.TempDirectory(), "format1.ckpt");
            File.WriteAllBytes(path, formatOne);

            using var reader = TrainerTests.NewMlp(seed: 2);
            CheckpointFile.ReadModel(path, reader);
            var expected = model.parameters().Select(p => p.detach().clone()).ToArray();
            var read = reader.parameters().ToArray();
            Assert.That(read, Has.Length.EqualTo(expected.Length));
            Assert.That(read.Zip(expected).All(pair => pair.First.eq(pair.Second).all().item<bool>()), Is.True, "the weights read are the trained model's");
        }
    }

    [Test]
    public void Fit_WithCheckpointPath_LeavesOnlyTheCheckpoint()
    {
        var train = SyntheticData.Blobs(16, 2, [16], seed: 1);
        var directory = TrainerTests.TempDirectory();
        using var model = TrainerTests.NewMlp(seed: 1);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.1);

        new Trainer(model, optimizer, Options(Path.Combine(directory, "last.ckpt"), epochs: 2)).Fit(train);

        Assert.That(Directory.GetFiles(directory).Select(Path.GetFileName), Is.EqualTo(OnlyCheckpoint).AsCollection);
    }

    private static TrainerOptions Options(string? checkpoint, int epochs = 3) => new()
    {
        Epochs = epochs,
        BatchSize = 16,
        Seed = 5,
        CheckpointPath = checkpoint,
    };

    private static double MaxWeightDifference(nn.Module<Tensor, Tensor> a, nn.Module<Tensor, Tensor> b)
    {
        using var scope = torch.NewDisposeScope();
        var left = a.state_dict();
        var right = b.state_dict();
        return left.Keys.Max(k => left[k].to_type(ScalarType.Float64).sub(right[k].to_type(ScalarType.Float64)).abs().max().item<double>());
    }
}
