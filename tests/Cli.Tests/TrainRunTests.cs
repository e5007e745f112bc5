using Spindle.Trainers.Data;
using Spindle.Trainers.Training;
using TorchSharp;

namespace Spindle.Cli.Tests;

public class TrainRunTests
{
    private static readonly int[] TwoEpochs = [1, 2];
    private static readonly int[] ThreeEpochs = [1, 2, 3];

    [Test]
    public void Execute_ThenResume_KeepsConfigMetricsAndCheckpointInTheRunFolder()
    {
        var runFolder = Path.Combine(TestFolders.Create(), "run");
        var settings = new TrainSettings { Model = "mlp", Epochs = 2, Subset = 200, BatchSize = 50, Seed = 3, LabelNoise = 0.05 };

        var first = TrainCommand.Execute("train", settings, runFolder, resume: false, [], CancellationToken.None);
        var afterFirst = MetricsLogCallback.Read(Path.Combine(runFolder, TrainingRunner.MetricsFile));
        var second = TrainCommand.Execute("train", TrainSettings.Load(runFolder) with { Epochs = 3 }, runFolder, resume: true, [], CancellationToken.None);
        var afterSecond = MetricsLogCallback.Read(Path.Combine(runFolder, TrainingRunner.MetricsFile));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Is.Zero);

            // 5% of the 200-sample subset: exactly 10 labels flipped, recorded beside the metrics.
            Assert.That(LabelNoiseRecord.Load(Path.Combine(runFolder, TrainingRunner.NoiseFile)).Count, Is.EqualTo(10));
            Assert.That(second, Is.Zero);
            Assert.That(afterFirst.Select(m => m.Epoch), Is.EqualTo(TwoEpochs).AsCollection);
            Assert.That(afterSecond.Select(m => m.Epoch), Is.EqualTo(ThreeEpochs).AsCollection);
            Assert.That(afterSecond.Take(2).Select(m => m.Test!.Loss), Is.EqualTo(afterFirst.Select(m => m.Test!.Loss)).AsCollection);
            Assert.That(TrainSettings.Load(runFolder), Is.EqualTo(settings with { Epochs = 3 }));
            Assert.That(CheckpointFile.ReadMetadata(Path.Combine(runFolder, TrainingRunner.CheckpointFileName)).Epoch, Is.EqualTo(3));
        }
    }

    [Test]
    public void Execute_ResumeWithFewerEpochsThanTrained_ReturnsOneAndKeepsTheConfig()
    {
        var runFolder = Path.Combine(TestFolders.Create(), "run");
        var settings = new TrainSettings { Model = "mlp", Epochs = 2, Subset = 100, BatchSize = 50 };
        TrainCommand.Execute("train", settings, runFolder, resume: false, [], CancellationToken.None);

        var code = TrainCommand.Execute("train", settings with { Epochs = 1 }, runFolder, resume: true, [], CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(TrainSettings.Load(runFolder).Epochs, Is.EqualTo(2));
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Create_ResumeFromAFolderWithoutAReadableConfig_ExitsWithOneAndNamesTheFolder(bool corrupt)
    {
        var runFolder = Path.Combine(TestFolders.Create(), "run");
        if (corrupt)
        {
            Directory.CreateDirectory(runFolder);
            File.WriteAllText(Path.Combine(runFolder, TrainSettings.ConfigFile), "{");
        }

        var (code, error) = InvokeTrain(["--run", runFolder, "--resume"]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.StartWith($"spindle train: --run {runFolder}:"));
        }
    }

    [Test]
    public void Create_ResumeWithARunSetting_ExitsWithOneInsteadOfIgnoringIt()
    {
        var runFolder = Path.Combine(TestFolders.Create(), "run");
        TrainCommand.Execute("train", new TrainSettings { Model = "mlp", Epochs = 1, Subset = 100, BatchSize = 50 }, runFolder, resume: false, [], CancellationToken.None);

        var (code, error) = InvokeTrain(["--run", runFolder, "--resume", "--epochs", "2", "--lr", "0.5"]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.Contain("--lr cannot change on --resume"));
            Assert.That(CheckpointFile.ReadMetadata(Path.Combine(runFolder, TrainingRunner.CheckpointFileName)).Epoch, Is.EqualTo(1));
        }
    }

    [Test]
    public void Create_ResumeWithThreads_RecordsTheThreadCount()
    {
        var runFolder = Path.Combine(TestFolders.Create(), "run");
        TrainCommand.Execute("train", new TrainSettings { Model = "mlp", Epochs = 1, Subset = 100, BatchSize = 50 }, runFolder, resume: false, [], CancellationToken.None);
        var threads = torch.get_num_threads();
        int code;
        try
        {
            (code, _) = InvokeTrain(["--run", runFolder, "--resume", "--epochs", "2", "--threads", "1"]);
        }
        finally
        {
            torch.set_num_threads(threads);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero);
            Assert.That(TrainSettings.Load(runFolder).Threads, Is.EqualTo(1));
            Assert.That(CheckpointFile.ReadMetadata(Path.Combine(runFolder, TrainingRunner.CheckpointFileName)).Epoch, Is.EqualTo(2));
        }
    }

    [TestCase("cnn", 0.5, null, "--width applies to vgg11 only")]
    [TestCase("resnet20", null, 0.5, "--dropout applies to cnn and bert-tiny only")]
    [TestCase("vgg11", -1.0, null, "--width must be positive, got -1")]
    [TestCase("cnn", null, 2.0, "--dropout must be in [0, 1), got 2")]
    public void Validate_ModelOptionTheModelDoesNotUse_SaysSoInsteadOfIgnoringIt(string model, double? width, double? dropout, string expected)
    {
        var settings = new TrainSettings { Model = model, WidthMultiplier = width, Dropout = dropout };

        Assert.That(settings.Validate, Throws.ArgumentException.With.Message.Contains(expected));
    }

    [Test]
    public void Execute_DataThatCannotBeLoaded_ReturnsOneAndLeavesNoRunFolder()
    {
        var runFolder = Path.Combine(TestFolders.Create(), "run");
        var settings = new TrainSettings { Dataset = "mnist", Data = Path.Combine(TestFolders.Create(), "absent") };

        var code = TrainCommand.Execute("train", settings, runFolder, resume: false, [], CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(Directory.Exists(runFolder), Is.False);
        }
    }

    [Test]
    public void Create_MomentumWithAdam_ExitsWithOneInsteadOfIgnoringIt()
    {
        var output = TestFolders.Create();

        var (code, error) = InvokeTrain(["--optimizer", "adam", "--momentum", "0.5", "--output", output]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.Contain("--momentum applies to --optimizer sgd only"));
            Assert.That(Directory.GetFileSystemEntries(output), Is.Empty);
        }
    }

    [TestCase("--epochs", 0)]
    [TestCase("--label-noise", 1.5)]
    [TestCase("--batch-size", -1)]
    public void Execute_BadSetting_ReturnsOneAndWritesNothing(string option, double value)
    {
        var runFolder = Path.Combine(TestFolders.Create(), "run");
        var settings = option switch
        {
            "--epochs" => new TrainSettings { Epochs = (int)value },
            "--label-noise" => new TrainSettings { LabelNoise = value },
            _ => new TrainSettings { BatchSize = (int)value },
        };

        var code = TrainCommand.Execute("train", settings, runFolder, resume: false, [], CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(Directory.Exists(runFolder), Is.False);
        }
    }

    private static (int Code, string Error) InvokeTrain(string[] arguments)
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
