using System.Collections.Concurrent;

namespace Spindle.Cli.Tests;

public class RunFolderTests
{
    private static readonly string[] OnlyConfig = ["config.json"];

    [Test]
    public void CreateUnique_ManyClaimsOfOneNameAtOnce_GivesEachItsOwnFolder()
    {
        var parent = TestFolders.Create();
        var claims = new ConcurrentBag<(string Folder, string Token)>();
        using var start = new Barrier(16);

        // 16 threads claim the same stem at the same moment, as runs started in the same second do.
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
        {
            var token = $"claim {i}";
            start.SignalAndWait();
            var folder = RunFolder.CreateUnique(parent, "mlp-20261206-120000", f => File.WriteAllText(Path.Combine(f, "config.json"), token));
            claims.Add((folder, token));
        });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(claims.Select(c => c.Folder).Distinct().Count(), Is.EqualTo(16));

            // Each folder holds the file of the claim that got it: no claim overwrote another's folder.
            Assert.That(claims.Select(c => File.ReadAllText(Path.Combine(c.Folder, "config.json"))), Is.EqualTo(claims.Select(c => c.Token)).AsCollection);
            Assert.That(Directory.GetDirectories(parent).Select(Path.GetFileName), Is.EquivalentTo(Enumerable.Repeat("mlp-20261206-120000", 1).Concat(Enumerable.Range(2, 15).Select(k => $"mlp-20261206-120000-{k}"))));
            Assert.That(Directory.GetFileSystemEntries(parent, "*.tmp"), Is.Empty);
        }
    }

    [Test]
    public void Train_TwoRunsStartedTogether_GetTwoFolders()
    {
        var output = TestFolders.Create();
        string[] arguments = ["--model", "mlp", "--subset", "100", "--batch-size", "50", "--epochs", "1", "--threads", "1", "--output", output];

        var codes = new int[2];
        using var start = new Barrier(2);
        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            var command = TrainCommand.Create();
            var parse = command.Parse(arguments);
            start.SignalAndWait();
            codes[i] = parse.Invoke();
        });

        var folders = Directory.GetDirectories(output);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(codes, Is.All.Zero);
            Assert.That(folders, Has.Length.EqualTo(2));
            Assert.That(folders.Select(f => File.Exists(Path.Combine(f, TrainingRunner.CheckpointFileName))), Is.All.True);
        }
    }

    [Test]
    public void CreateUnique_ClaimAbandonedByAKilledProcess_IsRemovedOnceOld()
    {
        var parent = TestFolders.Create();
        var abandoned = Directory.CreateDirectory(Path.Combine(parent, ".mlp-20261206-110000.0123456789abcdef.tmp")).FullName;
        File.WriteAllText(Path.Combine(abandoned, "config.json"), "{}");
        Directory.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow.AddHours(-1));
        var recent = Directory.CreateDirectory(Path.Combine(parent, ".mlp-20261206-120000.fedcba9876543210.tmp")).FullName;

        RunFolder.CreateUnique(parent, "mlp-20261206-120001", f => File.WriteAllText(Path.Combine(f, "config.json"), "{}"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Directory.Exists(abandoned), Is.False);

            // A claim of the last minutes may belong to a process creating its folder right now.
            Assert.That(Directory.Exists(recent), Is.True);
        }
    }

    [Test]
    public void RemoveStaleTemporaryFiles_LeftByAKilledWrite_RemovesThemAndNothingElse()
    {
        var run = TestFolders.Create();
        Directory.CreateDirectory(Path.Combine(run, RunFolder.CheckpointFolder));
        File.WriteAllText(Path.Combine(run, ".last.ckpt.0123abcd.tmp"), "half");
        File.WriteAllText(Path.Combine(run, RunFolder.CheckpointFolder, ".epoch-0002.ckpt.4567.tmp"), "half");
        File.WriteAllText(Path.Combine(run, "config.json"), "{}");

        var removed = RunFolder.RemoveStaleTemporaryFiles(run);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(removed, Has.Count.EqualTo(2));
            Assert.That(Directory.GetFiles(run, "*", SearchOption.AllDirectories).Select(Path.GetFileName), Is.EqualTo(OnlyConfig));
        }
    }
}
