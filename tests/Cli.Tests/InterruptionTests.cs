using Spindle.Trainers.Training;

namespace Spindle.Cli.Tests;

/// <summary>Ctrl-C, SIGTERM and kills of a real <c>spindle train</c> process, then a resume.</summary>
public class InterruptionTests
{
    // Run folders only: a folder being created has a hidden temporary name until it is complete.
    private static string[] Runs(string output) => [.. Directory.GetDirectories(output).Where(d => !Path.GetFileName(d).StartsWith('.'))];

    /// <summary>
    /// A process started as a background job of a non-interactive shell (<c>cmd &amp;</c>, nohup) has SIGINT ignored, and
    /// every child inherits that: the child never sees Ctrl-C, whatever it installs. Such a test run cannot test Ctrl-C,
    /// and says so instead of failing (SigIgn in /proc/self/status is the mask of ignored signals; SIGINT is bit 1).
    /// </summary>
    private static void IgnoreWhereSigIntIsIgnored()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        if (line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0x2) != 0)
        {
            Assert.Ignore("SIGINT is ignored in this test process (started as a background job), so a child cannot receive Ctrl-C; run the tests in the foreground to test it.");
        }
    }

    private static string OnlyRun(string output) => Runs(output).Single();

    private static int FinishedEpochs(string output) =>
        Runs(output).Select(f => Path.Combine(f, TrainingRunner.MetricsFile)).Where(File.Exists)
            .Sum(f => File.ReadAllLines(f).Count(l => l.Length > 0));

    [TestCase("INT", 130)]
    [TestCase("TERM", 143)]
    public void Train_Signal_StopsAfterTheStepKeepsTheLastEpochAndSaysHowToResume(string signal, int exitCode)
    {
        if (signal == "INT")
        {
            IgnoreWhereSigIntIsIgnored();
        }

        var output = TestFolders.Create();
        int code;
        string stdout;
        string stderr;
        using (var child = SpindleProcess.Start("train", "--model", "mlp", "--epochs", "500", "--threads", "1", "--output", output))
        {
            child.WaitUntil(() => FinishedEpochs(output) >= 1, "its first epoch");
            child.Signal(signal);
            code = child.WaitForExit();
            (stdout, stderr) = (child.Output, child.Error);
        }

        var run = OnlyRun(output);
        var kept = CheckpointFile.ReadMetadata(Path.Combine(run, TrainingRunner.CheckpointFileName)).Epoch;
        var logged = MetricsLogCallback.Read(Path.Combine(run, TrainingRunner.MetricsFile)).Count;
        var resumed = CommandLineTests.InvokeCaptured(["train", "--run", run, "--resume", "--epochs", (kept + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "--threads", "1"]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(exitCode), stdout + stderr);
            Assert.That(stderr, Does.Contain("received: abandoning the current step"));
            Assert.That(stderr, Does.Not.Contain("   at "));
            Assert.That(stdout, Does.Contain($"Resume with: spindle train --run {run} --resume"));
            Assert.That(stdout, Does.Contain($"keeps epoch {kept} (last.ckpt)"));

            // Every epoch the log records is in the checkpoint, and no temporary file was left.
            Assert.That(logged, Is.EqualTo(kept));
            Assert.That(Directory.GetFiles(run, "*.tmp", SearchOption.AllDirectories), Is.Empty);
            Assert.That(resumed.Code, Is.Zero, resumed.Output + resumed.Error);
            Assert.That(CheckpointFile.ReadMetadata(Path.Combine(run, TrainingRunner.CheckpointFileName)).Epoch, Is.EqualTo(kept + 1));
        }
    }

    [Test]
    public void Train_CtrlCOnATerminal_ShowsTheCursorAgain()
    {
        if (!File.Exists("/usr/bin/script"))
        {
            Assert.Ignore("needs util-linux script(1) for a pseudo-terminal");
        }

        IgnoreWhereSigIntIsIgnored();

        var output = TestFolders.Create();
        var log = Path.Combine(TestFolders.Create(), "terminal.log");
        // exec: script(1) runs the command through $SHELL, and dash (/bin/sh here and on CI) would otherwise stay as the parent,
        // take the SIGINT meant for spindle and wait for a child that never receives it.
        var command = $"exec dotnet '{Path.Combine(TestContext.CurrentContext.TestDirectory, "spindle.dll")}' train --model mlp --epochs 500 --threads 1 --output '{output}'";

        // script(1) gives spindle a pseudo-terminal, so its live progress display hides the cursor, and records what it writes.
        var start = new System.Diagnostics.ProcessStartInfo("script", ["-qefc", command, log]) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.Environment["TERM"] = "xterm-256color";
        start.Environment["SHELL"] = "/bin/sh";
        using var script = System.Diagnostics.Process.Start(start)!;
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (FinishedEpochs(output) < 1 && !script.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                Thread.Sleep(20);
            }

            Assert.That(FinishedEpochs(output), Is.GreaterThanOrEqualTo(1), "spindle did not finish an epoch under script(1)");
            var spindle = File.ReadAllText($"/proc/{script.Id}/task/{script.Id}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Single();
            Assert.That(File.ReadAllText($"/proc/{spindle}/cmdline"), Does.Contain("spindle.dll"), "script(1)'s child is not spindle");
            using (var kill = System.Diagnostics.Process.Start("kill", ["-s", "INT", spindle]))
            {
                kill.WaitForExit();
            }

            Assert.That(script.WaitForExit(TimeSpan.FromMinutes(2)), Is.True, "spindle did not stop after SIGINT");
        }
        finally
        {
            if (!script.HasExited)
            {
                script.Kill(entireProcessTree: true);
            }
        }

        var written = File.ReadAllText(log);
        var hidden = written.LastIndexOf("\u001b[?25l", StringComparison.Ordinal);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(hidden, Is.GreaterThanOrEqualTo(0), "the live display never hid the cursor: no terminal?");
            Assert.That(written.IndexOf(Interruption.ShowCursor, hidden, StringComparison.Ordinal), Is.GreaterThan(hidden), "the cursor stays hidden");
            Assert.That(written, Does.Contain("Resume with: spindle train --run"));
            Assert.That(written, Does.Contain("COMMAND_EXIT_CODE=\"130\""));
        }
    }

    [Test]
    public void Train_KilledInEpochOne_ResumeStartsItAgain()
    {
        var output = TestFolders.Create();
        using (var child = SpindleProcess.Start("train", "--model", "mlp", "--batch-size", "2", "--max-batches", "1000", "--epochs", "1", "--threads", "1", "--output", output))
        {
            child.WaitUntil(() => Runs(output).Length == 1, "creating its run folder");
            child.Signal("KILL");
            child.WaitForExit();
        }

        var run = OnlyRun(output);
        Assert.That(File.Exists(Path.Combine(run, TrainingRunner.CheckpointFileName)), Is.False, "the kill came after epoch 1 had finished");

        var (code, stdout, stderr) = CommandLineTests.InvokeCaptured(["train", "--run", run, "--resume", "--threads", "1"]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero, stdout + stderr);
            Assert.That(stdout, Does.Contain("it stopped before finishing epoch 1. Training it again from epoch 1."));
            Assert.That(CheckpointFile.ReadMetadata(Path.Combine(run, TrainingRunner.CheckpointFileName)).Epoch, Is.EqualTo(1));
        }
    }
}
