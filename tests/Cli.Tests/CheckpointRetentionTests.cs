using Spindle.Monitor.Interactions;
using Spindle.Trainers.Training;

namespace Spindle.Cli.Tests;

public class CheckpointRetentionTests
{
    private static readonly int[] FourAndFive = [4, 5];
    private static readonly int[] TwoAndFour = [2, 4];
    private static readonly int[] OneAndTwo = [1, 2];

    [Test]
    public void Train_KeepTwoOfEveryEpoch_KeepsTheLastTwoAndTheLowestTestLoss()
    {
        var run = Path.Combine(TestFolders.Create(), "run");
        var settings = new TrainSettings { Model = "mlp", Epochs = 5, Subset = 200, BatchSize = 20, Seed = 1, LearningRate = 0.01, CheckpointEvery = 1, KeepCheckpoints = 2 };

        var code = TrainCommand.Execute("train", settings, run, resume: false, [], CancellationToken.None);

        var history = MetricsLogCallback.Read(Path.Combine(run, TrainingRunner.MetricsFile));
        var best = history.MinBy(m => m.Test!.Loss)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero);
            Assert.That(RunFolder.EpochCheckpoints(run), Is.EqualTo(FourAndFive).AsCollection);
            Assert.That(CheckpointFile.ReadMetadata(RunFolder.EpochCheckpoint(run, 4)).Epoch, Is.EqualTo(4));

            // best.ckpt is the epoch of the lowest test loss, holding that epoch's history.
            var bestMetadata = CheckpointFile.ReadMetadata(Path.Combine(run, RunFolder.BestCheckpointFile));
            Assert.That(bestMetadata.Epoch, Is.EqualTo(best.Epoch));
            Assert.That(bestMetadata.History[^1].Test!.Loss, Is.EqualTo(best.Test!.Loss));
        }
    }

    [Test]
    public void Train_EveryTwoEpochs_WritesEvenEpochsOnly()
    {
        var run = Path.Combine(TestFolders.Create(), "run");
        var settings = new TrainSettings { Model = "mlp", Epochs = 5, Subset = 100, BatchSize = 50, CheckpointEvery = 2, SkipEvaluation = true };

        TrainCommand.Execute("train", settings, run, resume: false, [], CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(RunFolder.EpochCheckpoints(run), Is.EqualTo(TwoAndFour).AsCollection);

            // Without a test evaluation there is no test loss to choose a best epoch by.
            Assert.That(File.Exists(Path.Combine(run, RunFolder.BestCheckpointFile)), Is.False);
        }
    }

    [Test]
    public void Extract_Epoch_LoadsThatEpochsCheckpointAndSaysWhichOnesExist()
    {
        var run = Path.Combine(TestFolders.Create(), "run");
        var settings = new TrainSettings { Model = "mlp", Epochs = 3, Subset = 100, BatchSize = 50, CheckpointEvery = 1, KeepCheckpoints = 2, SkipEvaluation = true };
        TrainCommand.Execute("train", settings, run, resume: false, [], CancellationToken.None);
        var saved = Path.Combine(TestFolders.Create(), "epoch2.json");

        var (code, _, _) = CommandLineTests.InvokeCaptured(["extract", "--run", run, "--epoch", "2", "--samples", "0", "1", "--variables", "3", "--output", saved]);
        var (missingCode, _, missingError) = CommandLineTests.InvokeCaptured(["extract", "--run", run, "--epoch", "1", "--variables", "3"]);

        var provenance = InteractionExtraction.Load(saved).Provenance!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero);
            Assert.That(provenance.Epoch, Is.EqualTo(2));
            Assert.That(provenance.Checkpoint, Is.EqualTo(RunFolder.EpochCheckpoint(run, 2)));
            Assert.That(missingCode, Is.EqualTo(1));
            Assert.That(missingError, Does.Contain("--epoch 1:").And.Contain("Epoch checkpoints kept (checkpoints/): 2-3").And.Contain("last.ckpt holds epoch 3"));
        }
    }

    [Test]
    public void Resume_AfterCheckpointsOfALostEpoch_DropsThem()
    {
        var run = Path.Combine(TestFolders.Create(), "run");
        var settings = new TrainSettings { Model = "mlp", Epochs = 2, Subset = 100, BatchSize = 50 };
        TrainCommand.Execute("train", settings, run, resume: false, [], CancellationToken.None);

        // A crash after epoch 3's own checkpoint but before last.ckpt: last.ckpt still says 2.
        File.Copy(RunFolder.EpochCheckpoint(run, 2), RunFolder.EpochCheckpoint(run, 3));
        var code = TrainCommand.Execute("train", settings, run, resume: true, [], CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero);
            Assert.That(RunFolder.EpochCheckpoints(run), Is.EqualTo(OneAndTwo).AsCollection);
        }
    }
}
