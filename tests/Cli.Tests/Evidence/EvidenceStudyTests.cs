using System.Text.Json.Nodes;
using Spindle.Cli.Experiments;

namespace Spindle.Cli.Tests.Evidence;

/// <summary>
/// Smoke versions of the evidence studies (`spindle experiment claims|noise|solver|sensitivity|dynamics`) at tiny sizes
/// on the embedded Fashion-MNIST subset: each runs end to end, writes its records, report and figures, and resumes
/// from its records instead of computing again.
/// </summary>
[NonParallelizable]
public class EvidenceStudyTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47];
    private static readonly string[] NoiseKinds = ["clean", "fgsm-paper", "fgsm-loss", "weights"];
    private static readonly string[] SensitivityVariants = ["default", "probes3", "seed1", "black", "featuremap", "n4"];
    private static readonly int[] ThreeEpochs = [0, 1, 2];

    [Test]
    public void Claims_TinyRun_WritesReportFiguresAndRecordsThenResumes()
    {
        var folder = TestFolders.Create();
        string[] args = ["claims", "--data", "embedded", "--models", "cnn", "--seeds", "0", "--train-size", "50", "--epochs", "1", "--baselines", "1", "2", "--probes", "3", "--variables", "4", "--test-sample-count", "20", "--threads", "1", .. Paths(folder, "claims")];

        var (code, output, error) = Invoke(args);
        var record = Records(folder, "claims").Single();
        var checkpoint = Path.Combine(folder, "models", "cnn-n50-e1-seed0-target.ckpt");
        var trainedAt = File.GetLastWriteTimeUtc(checkpoint);
        var (again, _, _) = Invoke(args);

        var report = File.ReadAllText(Path.Combine(folder, "docs", "claims.md"));
        var noiseOperator = record["fits"]!["noise-operator"]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero, error);
            Assert.That(output, Does.Contain("Report:"));
            Assert.That(report, Does.Contain("spindle experiment claims --data embedded"));
            Assert.That(report, Does.Contain("| SIM, k = 1 | SIM, k = 2 |"));
            Assert.That(report, Does.Not.Contain("Not run"));
            AssertPng(Path.Combine(folder, "docs", "claims", "figure2-cnn-k2.png"));
            AssertPng(Path.Combine(folder, "docs", "claims", "figure4-cnn-seed0-k2.png"));

            // Three models (target, baselines 1-2), each recorded; SIM is a Jaccard index in [0, 1]; the split's A is the fit's data.
            Assert.That(record["models"]!.AsArray(), Has.Count.EqualTo(3));
            Assert.That((double)noiseOperator["perK"]!["2"]!["sim"]!, Is.InRange(0.0, 1.0));
            Assert.That((bool)noiseOperator["perK"]!["1"]!["dataMatchesSplit"]!, Is.True);
            Assert.That(File.Exists(Path.Combine(folder, "models", "cnn-n50-e1-seed0-target-epoch1.ckpt")), Is.True);

            // The rerun resumed: no new record, no retraining.
            Assert.That(again, Is.Zero);
            Assert.That(Records(folder, "claims"), Has.Count.EqualTo(1));
            Assert.That(File.GetLastWriteTimeUtc(checkpoint), Is.EqualTo(trainedAt));
        }
    }

    [Test]
    public void Noise_TinyRun_RecordsCleanFgsmAndWeightConditions()
    {
        var folder = TestFolders.Create();
        var (code, _, error) = Invoke(["noise", "--data", "embedded", "--models", "cnn", "--seeds", "0", "--train-size", "50", "--epochs", "1", "--sigmas", "0.01", "--draws", "1", "--epsilons", "0.1", "--probes", "2", "--test-sample-count", "20", "--threads", "1", .. Paths(folder, "noise")]);

        var conditions = Records(folder, "noise").Single()["conditions"]!.AsArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero, error);

            // clean, FGSM in both directions at one ε, one weight-noise draw at one σ.
            Assert.That(conditions.Select(c => (string)c!["kind"]!), Is.EquivalentTo(NoiseKinds));

            // The clean condition is measured against itself: nothing newly emerged.
            Assert.That(conditions.First(c => (string)c!["kind"]! == "clean")!["emerged"]!["positive"]!.AsArray().Sum(v => (double)v!), Is.Zero);
            Assert.That(File.ReadAllText(Path.Combine(folder, "docs", "noise.md")), Does.Contain("## Gaussian noise on the weights"));
            AssertPng(Path.Combine(folder, "docs", "noise", "weights-cnn.png"));
        }
    }

    [Test]
    public void Solver_TinyRun_RecordsBothSolversOnTheSameCheckpoints()
    {
        var folder = TestFolders.Create();
        var (code, _, error) = Invoke(["solver", "--data", "embedded", "--models", "cnn", "--seeds", "0", "--train-size", "50", "--epochs", "1", "--baselines", "1", "--probes", "2", "--test-sample-count", "20", "--threads", "1", .. Paths(folder, "solver")]);

        var record = Records(folder, "solver").Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero, error);
            Assert.That((bool)record["exact"]!["allConverged"]!, Is.True);

            // The exact solver certifies its objective within 0.4% of the optimum, so the reference cannot beat it by more.
            Assert.That((double)record["reference"]!["objective"]!, Is.GreaterThanOrEqualTo((double)record["exact"]!["objective"]! * 0.996));
            Assert.That(File.ReadAllText(Path.Combine(folder, "docs", "solver.md")), Does.Contain("| cnn | reference |"));
        }
    }

    [Test]
    public void Sensitivity_TinyRun_RecordsEveryChoice()
    {
        var folder = TestFolders.Create();
        var (code, _, error) = Invoke(["sensitivity", "--data", "embedded", "--models", "cnn", "--seeds", "0", "--train-size", "50", "--epochs", "1", "--variable-seeds", "1", "--variable-counts", "4", "--probe-counts", "3", "--probes", "2", "--baselines", "1", "--test-sample-count", "20", "--threads", "1", .. Paths(folder, "sensitivity")]);

        var variants = Records(folder, "sensitivity").Select(r => (string)r["variant"]!).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero, error);
            Assert.That(variants, Is.EquivalentTo(SensitivityVariants));
            Assert.That(File.ReadAllText(Path.Combine(folder, "docs", "sensitivity.md")), Does.Contain("| feature map relu2, n=8 | cnn | 1 |"));
        }
    }

    [Test]
    public void Dynamics_TinyRun_ReadsRecordedRunsAndTrainsANewArm()
    {
        var folder = TestFolders.Create();

        // A recorded run in the early-stopping study's format, cut to its first three epochs.
        var recorded = Path.Combine(folder, "recorded", "monitor-cnn-1000-noise10-seed0");
        Directory.CreateDirectory(recorded);
        var source = Path.Combine(RepositoryRoot(), "experiments", "early-stopping", "runs", "monitor-cnn-1000-noise10-seed0");
        var lines = Spindle.Cli.Experiments.Evidence.DynamicsRecorder.ReadLines(source).Take(3);
        File.WriteAllLines(Path.Combine(recorded, "epochs.jsonl"), lines);
        File.WriteAllText(Path.Combine(recorded, "done.json"), "{}");

        var (code, _, error) = Invoke(["dynamics", "--data", "embedded", "--arms", "cosine", "--seeds", "0", "--train-size", "50", "--epochs", "2", "--probes", "2", "--recorded-runs", Path.Combine(folder, "recorded"), "--test-sample-count", "20", "--threads", "1", .. Paths(folder, "dynamics")]);

        var report = File.ReadAllText(Path.Combine(folder, "docs", "dynamics.md"));
        var newLines = Spindle.Cli.Experiments.Evidence.DynamicsRecorder.ReadLines(Path.Combine(folder, "dynamics", "runs", "cosine-cnn-50-noise10-seed0"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero, error);
            Assert.That(report, Does.Contain("| adam-cnn-1000-noise10 | early-stopping records | 1 |"));
            Assert.That(report, Does.Contain("| cosine-cnn-50-noise10 | new run | 1 |"));

            // Epoch 0 (before training) and epochs 1-2, each with a check.
            Assert.That(newLines.Select(l => (int)JsonNode.Parse(l)!["epoch"]!), Is.EqualTo(ThreeEpochs).AsCollection);
            Assert.That(newLines.All(l => JsonNode.Parse(l)!["check"] is JsonObject), Is.True);
            AssertPng(Path.Combine(folder, "docs", "dynamics", "masses-cosine-cnn-50-noise10.png"));
        }
    }

    [TestCase("claims", "--models", "resnet20", "--models: choose among cnn, vgg11")]
    [TestCase("claims", "--baselines", "6", "--baselines: each k must lie in 1..5")]
    [TestCase("noise", "--sigmas", "-1", "--sigmas: need finite values")]
    [TestCase("sensitivity", "--variable-counts", "13", "--variable-counts: each n must lie in 2..12")]
    [TestCase("dynamics", "--arms", "adamw", "--arms: choose among")]
    public void Study_BadOption_ExitsWithOneNamingTheOption(string study, string option, string value, string message)
    {
        var folder = TestFolders.Create();
        var (code, _, error) = Invoke([study, option, value, "--data", "embedded", .. Paths(folder, study)]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.StartWith($"spindle experiment {study}: {message}"));
            Assert.That(Directory.Exists(Path.Combine(folder, "models")), Is.False);
        }
    }

    private static string[] Paths(string folder, string study) =>
        ["--output", Path.Combine(folder, study), "--report", Path.Combine(folder, "docs", study + ".md"), "--models-folder", Path.Combine(folder, "models")];

    private static List<JsonObject> Records(string folder, string study) =>
        [.. File.ReadAllLines(Path.Combine(folder, study, "results.jsonl")).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject())];

    private static void AssertPng(string path)
    {
        Assert.That(File.Exists(path), Is.True, path);
        Assert.That(File.ReadAllBytes(path).Take(4), Is.EqualTo(PngSignature).AsCollection, path);
    }

    private static (int Code, string Output, string Error) Invoke(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (previousOut, previousError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var code = ExperimentCommand.Create().Parse(args).Invoke();
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Monitor.sln")))
            {
                return directory.FullName;
            }
        }

        Assert.Fail("Not run from a Spindle checkout: no Monitor.sln above " + TestContext.CurrentContext.TestDirectory);
        return string.Empty;
    }
}
