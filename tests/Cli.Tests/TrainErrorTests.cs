using System.Diagnostics;

namespace Spindle.Cli.Tests;

/// <summary>Folders that cannot be written, damaged checkpoints and failed resumes: messages, not stack traces, and nothing written.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class TrainErrorTests
{
    [TestCase("train")]
    [TestCase("demo")]
    [TestCase("data subset")]
    public void Output_NamesAFile_ExitsWithOneNamingIt(string verb)
    {
        var file = Path.Combine(TestFolders.Create(), "runs");
        File.WriteAllText(file, "not a folder");

        var (code, _, error) = CommandLineTests.InvokeCaptured(Arguments(verb, file));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.Contain(verb == "data subset"
                ? $"spindle data subset: --output {file} is a file; give a folder"
                : $"spindle {verb}: --output {file}: cannot create a run folder there: {file} is a file, not a folder."));
            Assert.That(error, Does.Not.Contain("   at "));
            Assert.That(File.ReadAllText(file), Is.EqualTo("not a folder"));
        }
    }

    [TestCase("train")]
    [TestCase("demo")]
    [TestCase("data subset")]
    public void Output_InAFolderThatCannotBeWritten_ExitsWithOneSayingSo(string verb)
    {
        using var folder = UnwritableFolder.Create();
        var output = Path.Combine(folder.Path, "runs");

        var (code, _, error) = CommandLineTests.InvokeCaptured(Arguments(verb, output));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.Contain($"spindle {verb}: --output {output}").And.Contain("permission denied"));
            Assert.That(error, Does.Not.Contain("   at "));
        }
    }

    [Test]
    public void Extract_OutputThatCannotBeWritten_FailsBeforeAnyForwardPass()
    {
        var run = TrainedRun(labelNoise: 0);
        using var folder = UnwritableFolder.Create();
        var output = Path.Combine(folder.Path, "x.json");

        // Sample 999999 does not exist: a forward pass would fail on it. The --output check comes first.
        var (code, stdout, error) = CommandLineTests.InvokeCaptured(["extract", "--run", run, "--samples", "999999", "--output", output]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Is.EqualTo($"spindle extract: --output {output}: cannot write in {folder.Path} (permission denied).{Environment.NewLine}"));
            Assert.That(stdout, Is.Empty);
        }
    }

    [Test]
    public void Extract_OutputThatIsAFolder_SaysSo()
    {
        var folder = TestFolders.Create();

        var (code, _, error) = CommandLineTests.InvokeCaptured(["extract", "--outputs", "absent.json", "--output", folder]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.Contain($"--output {folder}: that is a folder; give a file name"));
        }
    }

    // Cut in the header, the generator state, the weights (they end near a third of an mlp's file) and the optimizer
    // state after them, which leaves the weights extract reads whole: the end marker refuses that file too.
    [TestCase(0.0005)]
    [TestCase(0.1)]
    [TestCase(0.25)]
    [TestCase(0.75)]
    public void Extract_TruncatedCheckpoint_NamesTheFile(double kept)
    {
        var run = TrainedRun(labelNoise: 0);
        var truncated = Path.Combine(TestFolders.Create(), "truncated.ckpt");
        var bytes = File.ReadAllBytes(Path.Combine(run, TrainingRunner.CheckpointFileName));
        File.WriteAllBytes(truncated, bytes[..(int)(bytes.Length * kept)]);

        var (code, _, error) = CommandLineTests.InvokeCaptured(["extract", "--run", run, "--checkpoint", truncated, "--variables", "3"]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.StartWith($"spindle extract: {truncated}: "));
            Assert.That(error, Does.Contain("truncated").Or.Contain("unreadable header"));
        }
    }

    [Test]
    public void Resume_FromATruncatedCheckpoint_NamesItAndWritesNothing()
    {
        var run = TrainedRun(labelNoise: 0.05);
        var checkpoint = Path.Combine(run, TrainingRunner.CheckpointFileName);
        var bytes = File.ReadAllBytes(checkpoint);
        File.WriteAllBytes(checkpoint, bytes[..(bytes.Length * 3 / 4)]);
        var before = Snapshot(run);

        var (code, _, error) = CommandLineTests.InvokeCaptured(["train", "--run", run, "--resume", "--epochs", "3"]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.Contain($"{checkpoint}: the checkpoint is truncated"));
            Assert.That(Snapshot(run), Is.EqualTo(before), "the failed resume changed the run folder");
        }
    }

    [Test]
    public void Resume_WithStaleTemporaryFiles_RemovesThem()
    {
        var run = TrainedRun(labelNoise: 0);
        var stale = Path.Combine(run, ".last.ckpt.0123456789abcdef.tmp");
        File.WriteAllText(stale, "a write killed half-way");

        var (code, stdout, _) = CommandLineTests.InvokeCaptured(["train", "--run", run, "--resume", "--epochs", "2"]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero);
            Assert.That(File.Exists(stale), Is.False);
            Assert.That(stdout, Does.Contain("Removed .last.ckpt.0123456789abcdef.tmp"));
        }
    }

    private static string[] Arguments(string verb, string output) => verb switch
    {
        "train" => ["train", "--model", "mlp", "--epochs", "1", "--subset", "100", "--output", output],
        "demo" => ["demo", "--epochs", "1", "--output", output],
        _ => ["data", "subset", "--from", TestFolders.Create(), "--output", output],
    };

    private static string TrainedRun(double labelNoise)
    {
        var run = Path.Combine(TestFolders.Create(), "run");
        var settings = new TrainSettings { Model = "mlp", Epochs = 1, Subset = 100, BatchSize = 50, LabelNoise = labelNoise, SkipEvaluation = true };
        Assert.That(TrainCommand.Execute("train", settings, run, resume: false, [], CancellationToken.None), Is.Zero);
        return run;
    }

    private static Dictionary<string, string> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(folder, f),
            f => $"{File.GetLastWriteTimeUtc(f):O} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}");

    /// <summary>A folder this process cannot write in: mode 0555, or (for root, whom modes do not stop) immutable with chattr +i.</summary>
    private sealed class UnwritableFolder : IDisposable
    {
        private readonly bool _immutable;

        private UnwritableFolder(string path, bool immutable)
        {
            Path = path;
            _immutable = immutable;
        }

        public string Path { get; }

        public static UnwritableFolder Create()
        {
            var path = TestFolders.Create();
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            if (!CanWrite(path))
            {
                return new UnwritableFolder(path, immutable: false);
            }

            if (Chattr("+i", path) && !CanWrite(path))
            {
                return new UnwritableFolder(path, immutable: true);
            }

            Assert.Ignore("This process can write in a folder of mode 0555 and cannot make one immutable (chattr +i).");
            return null!;
        }

        public void Dispose()
        {
            if (_immutable)
            {
                Chattr("-i", Path);
            }

            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        private static bool CanWrite(string folder)
        {
            try
            {
                File.WriteAllText(System.IO.Path.Combine(folder, "probe"), string.Empty);
                File.Delete(System.IO.Path.Combine(folder, "probe"));
                return true;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }

        private static bool Chattr(string flag, string folder)
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo("chattr", [flag, folder]) { RedirectStandardError = true })!;
                process.WaitForExit();
                return process.ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false;
            }
        }
    }
}
