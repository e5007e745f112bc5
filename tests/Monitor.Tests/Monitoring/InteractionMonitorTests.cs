using System.Text.Json.Nodes;
using Spindle.Monitor.Checks;
using Spindle.Monitor.EarlyStopping;
using Spindle.Monitor.Monitoring;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Monitor.Tests.Monitoring;

internal sealed class InteractionMonitorTests
{
    private static readonly int[] OddEpochs = [1, 3];
    private static readonly int[] LinesAfterEachEpoch = [0, 1, 1, 2];
    private static readonly int[] CheckedEpochs = [2, 4];
    private static readonly int[] AllEpochs = [1, 2, 3];
    private string _folder = string.Empty;

    [SetUp]
    public void SetUp() => _folder = Directory.CreateTempSubdirectory("spindle-monitor-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void OnEpochEnd_CheckEvery2_LogsOneFlushedLinePerCheckWithTheCheckAndRuleState()
    {
        using var fixture = new MonitorFixture();
        using var monitor = fixture.Create(new MonitorOptions { CheckEvery = 2, CheckBudget = null, RunFolder = _folder, Check = MonitorFixture.CheckOptions, PublishMetrics = false });
        var linesAfter = new List<int>();
        var records = new List<MonitorRecord?>();
        for (var epoch = 1; epoch <= 4; epoch++)
        {
            fixture.Perturb(epoch);
            var before = monitor.Checks;
            monitor.OnEpochEnd(epoch);
            records.Add(monitor.Checks > before ? monitor.LastRecord : null);
            // Read while the monitor still holds the file open: each line must already be on disk.
            linesAfter.Add(File.Exists(monitor.LogPath!) ? File.ReadAllLines(monitor.LogPath!).Length : 0);
        }

        var log = InteractionMonitor.ReadLog(monitor.LogPath!);
        var check = CheckResult.FromJson(log[1]["check"]!.ToJsonString());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(monitor.LogPath, Is.EqualTo(Path.Combine(_folder, InteractionMonitor.LogFileName)));
            Assert.That(linesAfter, Is.EqualTo(LinesAfterEachEpoch));
            Assert.That(records.Select(r => r?.Epoch), Is.EqualTo(new int?[] { null, 2, null, 4 }));
            Assert.That(log.Select(l => (int)l["epoch"]!), Is.EqualTo(CheckedEpochs));
            Assert.That((string?)log[0]["format"], Is.EqualTo(InteractionMonitor.FormatName));
            Assert.That((string?)log[0]["run"], Is.EqualTo(Path.GetFileName(_folder)));
            Assert.That((string?)log[0]["signal"], Is.EqualTo("cancellation_mass"), "the default rule's signal");
            Assert.That((double?)log[1]["value"], Is.EqualTo(records[3]!.Check.CancellationMass));
            Assert.That((int?)log[1]["earlyStopping"]!["checks"], Is.EqualTo(2));
            Assert.That(check.Provenance.Epoch, Is.EqualTo(4));
            Assert.That(check.Summary!.SpindleMass, Is.EqualTo(records[3]!.Check.Summary!.SpindleMass));
            Assert.That(records[3]!.Describe(), Does.Contain("spindle").And.Contain("rule: cancellation mass").And.Contain("(window filling)"));
        }
    }

    [TestCase(true, TestName = "OnEpochEnd_RuleStopsWithStopTraining_ReturnsStop")]
    [TestCase(false, TestName = "OnEpochEnd_RuleStopsWithoutStopTraining_AdvisoryContinue")]
    public void OnEpochEnd_RuleStops_ReturnsDecisionOnlyWhenStopTraining(bool stopTraining)
    {
        using var fixture = new MonitorFixture();
        // Any spindle mass (≥ 0) is above −1: the rule stops at the first check.
        var stopping = new EarlyStoppingOptions { DivergenceThreshold = -1 };
        using var monitor = fixture.Create(new MonitorOptions { CheckBudget = null, Check = MonitorFixture.CheckOptions, EarlyStopping = stopping, StopTraining = stopTraining, PublishMetrics = false });
        var decision = monitor.OnEpochEnd(1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(monitor.RuleDecision.Reason, Is.EqualTo(StopReason.Diverged));
            Assert.That(decision.ShouldStop, Is.EqualTo(stopTraining));
            Assert.That(monitor.OnEpochEnd(2).ShouldStop, Is.EqualTo(stopTraining), "a stop is final");
            Assert.That(monitor.LogPath, Is.Null);
        }
    }

    [Test]
    public void RestoreBest_BestInMemory_LoadsExactlyTheWeightsOfTheBestCheck()
    {
        using var fixture = new MonitorFixture();
        // Only a fall below 1% of the best counts as an improvement, so the best check stays the first (epoch 1).
        var stopping = new EarlyStoppingOptions { Mode = EarlyStoppingMode.NoImprovement, MinDelta = 0.99, MinDeltaKind = MinDeltaKind.Relative, Patience = 100, Smoothing = 1 };
        using var monitor = fixture.Create(new MonitorOptions { CheckBudget = null, Check = MonitorFixture.CheckOptions, EarlyStopping = stopping, Restore = MonitorRestore.BestInMemory, PublishMetrics = false });
        var snapshots = new Dictionary<int, Dictionary<string, Tensor>>();
        for (var epoch = 1; epoch <= 3; epoch++)
        {
            fixture.Perturb(epoch);
            monitor.OnEpochEnd(epoch);
            snapshots[epoch] = fixture.Snapshot();
        }

        var restored = monitor.RestoreBest();
        var weights = fixture.Model.state_dict();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(monitor.BestEpoch, Is.EqualTo(1));
            Assert.That(restored, Is.EqualTo(1));
            Assert.That(weights.Keys, Is.EquivalentTo(snapshots[1].Keys));
            foreach (var (name, tensor) in weights)
            {
                Assert.That(tensor.allclose(snapshots[1][name], rtol: 0, atol: 0), Is.True, $"{name} is the epoch-1 tensor");
                Assert.That(tensor.allclose(snapshots[3][name], rtol: 0, atol: 0), Is.False, $"{name} changed since epoch 1");
            }
        }

        foreach (var tensor in snapshots.Values.SelectMany(s => s.Values))
        {
            tensor.Dispose();
        }
    }

    [Test]
    public void RestoreBest_RestoreNone_RestoresNothing()
    {
        using var fixture = new MonitorFixture();
        using var monitor = fixture.Create(new MonitorOptions { CheckBudget = null, Check = MonitorFixture.CheckOptions, PublishMetrics = false });
        monitor.OnEpochEnd(1);
        Assert.That(monitor.RestoreBest(), Is.Null);
    }

    [Test]
    public void LoadState_ResumedMonitor_TrimsLaterLinesAndChecksAsTheUninterruptedOne()
    {
        using var fixture = new MonitorFixture();
        var options = new MonitorOptions { CheckBudget = null, RunFolder = _folder, Check = MonitorFixture.CheckOptions, PublishMetrics = false };
        JsonNode saved;
        Dictionary<string, Tensor> atEpoch2;
        MonitorRecord uninterrupted;
        double? heldDelta;
        using (var first = fixture.Create(options))
        {
            fixture.Perturb(1);
            first.OnEpochEnd(1);
            fixture.Perturb(2);
            first.OnEpochEnd(2);
            saved = first.GetStateJson();
            atEpoch2 = fixture.Snapshot();
            fixture.Perturb(3);
            first.OnEpochEnd(3);
            uninterrupted = first.LastRecord!;
            heldDelta = first.GetState().HeldDelta;
        }

        // The "crash": the model goes back to the checkpoint of epoch 2; the log still holds the line of epoch 3.
        using (torch.no_grad())
        {
            foreach (var (name, tensor) in fixture.Model.state_dict())
            {
                tensor.copy_(atEpoch2[name]);
            }
        }

        using var resumed = fixture.Create(options);
        resumed.LoadStateJson(JsonNode.Parse(saved.ToJsonString())!);
        fixture.Perturb(3);
        resumed.OnEpochEnd(3);
        var log = InteractionMonitor.ReadLog(resumed.LogPath!);
        var again = resumed.LastRecord!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(log.Select(l => (int)l["epoch"]!), Is.EqualTo(AllEpochs));
            Assert.That(resumed.Checks, Is.EqualTo(3));
            Assert.That(heldDelta, Is.Not.Null);
            Assert.That(again.Check.Fit.Delta, Is.EqualTo(heldDelta), "δ stays held across the resume");
            Assert.That(again.Value, Is.EqualTo(uninterrupted.Value).Within(1e-12));
            Assert.That(again.EarlyStopping, Is.EqualTo(uninterrupted.EarlyStopping).Using<EarlyStoppingState>(SameState));
        }

        foreach (var tensor in atEpoch2.Values)
        {
            tensor.Dispose();
        }
    }

    [Test]
    public void OnEpochEnd_CheckBudget_SkipsChecksUntilTheLoopHasEarnedThem()
    {
        // Budget 1 (checks may take as long as the loop; the default is 0.1, which would need a sleep 10x longer here):
        // after the first check (c seconds) a check runs only when the checks so far plus one more (2c) fit in the
        // loop's own time. Called straight away, the loop has taken microseconds: skipped. After the loop "trains" for
        // 2.5c + 50 ms (Thread.Sleep stands in for training), 2c ≤ loop time: it runs.
        using var fixture = new MonitorFixture();
        using var monitor = fixture.Create(new MonitorOptions { CheckBudget = 1, RunFolder = _folder, Check = MonitorFixture.CheckOptions, PublishMetrics = false });
        monitor.OnEpochEnd(1);
        var firstCheck = monitor.CheckSeconds;
        monitor.OnEpochEnd(2);
        var afterSkip = (monitor.Checks, monitor.SkippedChecks);
        var sleep = (2.5 * firstCheck) + 0.05;
        Thread.Sleep(TimeSpan.FromSeconds(sleep));
        monitor.OnEpochEnd(3);
        var log = InteractionMonitor.ReadLog(monitor.LogPath!);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(firstCheck, Is.GreaterThan(0));
            Assert.That(afterSkip, Is.EqualTo((1, 1)), "epoch 2 came too soon after the first check");
            Assert.That(monitor.Checks, Is.EqualTo(2));
            Assert.That(log.Select(l => (int)l["epoch"]!), Is.EqualTo(OddEpochs));
            Assert.That((int)log[^1]["skippedChecks"]!, Is.EqualTo(1));
            // Tolerance 10 ms: Thread.Sleep may wake a little before the Stopwatch has counted the full span.
            Assert.That(monitor.LoopSeconds, Is.GreaterThanOrEqualTo(sleep - 0.01), "the sleep counts as loop time");
            Assert.That(monitor.Overhead, Is.EqualTo(monitor.CheckSeconds / monitor.LoopSeconds));
        }
    }

    [Test]
    public void OnEpochEnd_NoBudget_ChecksEveryEpochHoweverShortTheLoop()
    {
        using var fixture = new MonitorFixture();
        using var monitor = fixture.Create(new MonitorOptions { CheckBudget = null, Check = MonitorFixture.CheckOptions, PublishMetrics = false });
        for (var epoch = 1; epoch <= 3; epoch++)
        {
            monitor.OnEpochEnd(epoch);
        }

        Assert.That((monitor.Checks, monitor.SkippedChecks), Is.EqualTo((3, 0)));
    }

    [TestCase(0.0)]
    [TestCase(-0.1)]
    [TestCase(double.NaN)]
    public void Constructor_CheckBudgetNotPositive_Throws(double budget)
    {
        using var fixture = new MonitorFixture();
        Assert.That(() => fixture.Create(new MonitorOptions { CheckBudget = budget }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("budget"));
    }

    [Test]
    public void Constructor_InvalidOptions_Throws()
    {
        using var fixture = new MonitorFixture();
        Assert.That(() => fixture.Create(new MonitorOptions { CheckEvery = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    private static bool SameState(EarlyStoppingState a, EarlyStoppingState b) =>
        a.Checks == b.Checks && a.Wait == b.Wait && a.BestCheck == b.BestCheck && a.Reason == b.Reason
        && a.Window.Count == b.Window.Count && a.Window.Zip(b.Window).All(p => Math.Abs(p.First - p.Second) <= 1e-12);
}
