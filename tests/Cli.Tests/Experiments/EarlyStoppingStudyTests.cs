using Spindle.Cli.Experiments;
using Spindle.Monitor.EarlyStopping;
using Spindle.Monitor.Monitoring;

namespace Spindle.Cli.Tests.Experiments;

[NonParallelizable]
public class EarlyStoppingStudyTests
{
    private static readonly int[] EpochsZeroToThree = [0, 1, 2, 3];

    [Test]
    public void Analysis_OnTheCommittedRecords_ChoosesTheShippedDefaultRule()
    {
        // The study's records are committed (experiments/early-stopping/runs); re-running its selection on them must give
        // the rule EarlyStoppingOptions ships as its default, and MonitorOptions' default restore.
        var folder = Path.Combine(RepositoryRoot(), "experiments", "early-stopping");
        Assert.That(Directory.Exists(Path.Combine(folder, "runs")), Is.True, $"the study's records are missing from {folder}");
        var analysis = EarlyStoppingAnalysis.Run(new EarlyStoppingStudySettings { Folder = folder }, TextWriter.Null);
        var chosen = analysis.Chosen.Rule.TrackerOptions;
        var shipped = new EarlyStoppingOptions();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(analysis.Selection, Has.Count.EqualTo(8), "seed 0 of 2 models x 2 sizes x 2 noise levels");
            Assert.That(analysis.HeldOut, Has.Count.EqualTo(16), "seeds 1 and 2");
            Assert.That(chosen, Is.Not.Null, "the chosen rule is one the library's tracker implements");
            Assert.That(chosen!.Signal, Is.EqualTo(shipped.Signal));
            Assert.That(chosen.Mode, Is.EqualTo(shipped.Mode));
            Assert.That(chosen.Smoothing, Is.EqualTo(shipped.Smoothing));
            Assert.That(chosen.MinDelta, Is.EqualTo(shipped.MinDelta));
            Assert.That(chosen.MinDeltaKind, Is.EqualTo(shipped.MinDeltaKind));
            Assert.That(chosen.Patience, Is.EqualTo(shipped.Patience));
            Assert.That(chosen.WarmUpChecks, Is.EqualTo(shipped.WarmUpChecks));
            Assert.That(chosen.SlopeWindow, Is.EqualTo(shipped.SlopeWindow));
            Assert.That(analysis.Chosen.Restore, Is.EqualTo(StudyRestore.None));
            Assert.That(new MonitorOptions().Restore, Is.EqualTo(MonitorRestore.None), "the chosen restore is the monitor's default");
        }
    }

    [Test]
    public void Simulate_RuleThatFires_KeepsTheEpochItsRestoreNames()
    {
        // A hand-made run with checks at epochs 1..7: the signal falls to its minimum 0.5 at epoch 3 and then doubles at
        // every check; a rise rule (k x minimum, k = 2, patience 2, no warm-up) sees 1 at epoch 4 (not above 2 x 0.5),
        // 2 at epoch 5 and 4 at epoch 6: it fires at epoch 6 with a streak of 2 (epochs 5 and 6).
        var rule = new RiseAboveMinimumRule(StudySignal.SpindleMass, Smoothing: 1, RelativeDelta: 1, Patience: 2, WarmUp: 0);
        var values = new[] { 2.0, 1, 0.5, 1, 2, 4, 8 };
        var series = values.Select((v, i) => new SeriesPoint(i + 1, v, null!)).ToList();
        var run = new RecordedRun(
            new EarlyStoppingRun(EarlyStoppingArm.Monitor, "mlp", 100, 0, 0),
            [.. Enumerable.Range(0, 8).Select(e => new RecordedEpoch(e, 0.1 * e, 1, null, null, 1, 1, null))],
            1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(rule.Simulate(run, series, StudyRestore.None), Is.EqualTo(new RuleOutcome(true, 6, 6)), "values are at epochs 1..7: the fourth rise value (4) is epoch 6");
            Assert.That(rule.Simulate(run, series, StudyRestore.BeforeStreak), Is.EqualTo(new RuleOutcome(true, 6, 4)), "the streak is epochs 5-6; the check before it is epoch 4");
            Assert.That(rule.Simulate(run, series, StudyRestore.Best), Is.EqualTo(new RuleOutcome(true, 6, 3)), "the minimum 0.5 is at epoch 3");
            Assert.That(EarlyStoppingAnalysis.Oracle(run).KeptEpoch, Is.EqualTo(7), "accuracy rises every epoch here");
            Assert.That(EarlyStoppingAnalysis.FixedEpochs(run, 4).Accuracy, Is.EqualTo(0.4).Within(1e-12));
        }
    }

    [Test]
    public void Experiment_TinyStudy_RecordsSkipsFinishedRunsAndReports()
    {
        var folder = TestFolders.Create();
        var settings = new EarlyStoppingStudySettings
        {
            Folder = folder,
            Models = ["mlp"],
            TrainSizes = [100],
            LabelNoise = [0.1],
            Seeds = [0, 1],
            SelectionSeeds = [0],
            Epochs = 3,
            TestSamples = 100,
        };
        var recorder = new EarlyStoppingRecorder(settings, TextWriter.Null);
        var trained = settings.Plan().Select(r => recorder.Record(r, CancellationToken.None)).ToList();
        var again = settings.Plan().Select(r => recorder.Record(r, CancellationToken.None)).ToList();
        var report = Path.Combine(folder, "report", "early-stopping.md");
        var analysis = EarlyStoppingReport.Write(settings, report, TextWriter.Null);
        var text = File.ReadAllText(report);
        var monitorRun = analysis.MonitorRuns[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(trained, Has.All.True);
            Assert.That(again, Has.All.False, "a rerun skips complete runs");
            Assert.That(analysis.MonitorRuns, Has.Count.EqualTo(2));
            Assert.That(analysis.ValidationRuns, Has.Count.EqualTo(2));
            Assert.That(monitorRun.Epochs.Select(e => e.Epoch), Is.EqualTo(EpochsZeroToThree));
            Assert.That(monitorRun.Epochs.Skip(1).Select(e => e.Check), Has.All.Not.Null, "a check after every epoch");
            Assert.That(text, Does.Contain(analysis.Chosen.Description));
            Assert.That(text, Does.Contain("| validation loss, 10% held out, patience 5, restore best |"));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(report)!, "*.png"), Is.Not.Empty);
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Monitor.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Monitor.sln not found above the test directory.");
    }
}
