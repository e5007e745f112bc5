using Spindle.Cli.Experiments;

namespace Spindle.Cli.Tests.Experiments;

public class RegularizerReportTests
{
    private static RegularizerRecord Record(int seed, string arm, double accuracy, double seconds = 10, double share = 0.5) => new()
    {
        Model = "cnn",
        TrainSize = 200,
        HeldOutSize = 200,
        Seed = seed,
        Arm = arm,
        TrainedOn = arm == RegularizerStudySettings.PlainEqualData ? 400 : 200,
        Epochs = 15,
        Steps = 60,
        EvaluatedOn = "test",
        EvalCount = 10000,
        EvalAccuracy = accuracy,
        EvalLoss = 0.5,
        FinalTrainAccuracy = 1,
        TrainSeconds = seconds,
        TestProbeShare = share,
        TrainProbeShare = share,
        Lambda = RegularizerStudySettings.IsRegularized(arm) ? 0.01 : null,
        Threads = 1,
    };

    [Test]
    public void Build_PartialRecords_GivesHandComputedIntervalsAndListsTheMissingRuns()
    {
        var settings = new RegularizerStudySettings { Folder = TestFolders.Create(), DataDirectory = "unused", Models = ["cnn"], TrainSizes = [200], Seeds = [0, 1, 2, 3] };
        RegularizerRecord[] records =
        [
            Record(0, RegularizerStudySettings.Plain, 0.80), Record(1, RegularizerStudySettings.Plain, 0.82), Record(2, RegularizerStudySettings.Plain, 0.81),
            Record(0, RegularizerStudySettings.Regularized, 0.82, 20), Record(1, RegularizerStudySettings.Regularized, 0.83, 30), Record(2, RegularizerStudySettings.Regularized, 0.84, 20),
            Record(0, RegularizerStudySettings.PlainEqualData, 0.85), Record(1, RegularizerStudySettings.PlainEqualData, 0.86), Record(2, RegularizerStudySettings.PlainEqualData, 0.87),
        ];
        var missing = settings.Plan().Where(r => r.Seed == 3).ToList();

        var text = RegularizerReport.Build(settings, records, 12, missing);

        // Paired differences 2, 1, 3 points: mean 2.0, sd 1.0, t(0.975, 2) = 4.303, half-width 4.303 / sqrt(3) = 2.48.
        // Against 2N: -3, -3, -3: sd 0, so the interval is the point and excludes 0.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Contain("**Records: 9 of the 12 planned runs.**"));
            Assert.That(text, Does.Contain("| cnn | 200 | 3 | 81.0 ± 1.0 | 83.0 ± 1.0 | 86.0 ± 1.0 | +2.0 [-0.5, +4.5], 3 pairs: *no difference shown* | -3.0 [-3.0, -3.0], 3 pairs: *hurts* |"));
            Assert.That(text, Does.Contain("| 2.33x |"), "time ratios 2, 3, 2 paired by seed");
            Assert.That(text, Does.Contain("## Missing runs").And.Contain("cnn, N = 200: seed 3 plain, seed 3 regularized, seed 3 plain-equal-data"));
        }
    }

    [Test]
    public void Build_NoRecords_StillWritesThePageAndSaysEverythingIsMissing()
    {
        var settings = new RegularizerStudySettings { Folder = TestFolders.Create(), DataDirectory = "unused", Models = ["resnet20"], TrainSizes = [500], Seeds = [0] };
        var text = RegularizerReport.Build(settings, [], 3, [.. settings.Plan()]);
        Assert.That(text, Does.Contain("**Records: 0 of the 3 planned runs.**").And.Contain("resnet20, N = 500: seed 0 plain"));
    }

    [Test]
    public void Build_RunningStatisticsArm_GetsItsOwnTablePairedWithPlain()
    {
        var settings = new RegularizerStudySettings { Folder = TestFolders.Create(), DataDirectory = "unused", Models = ["cnn"], TrainSizes = [200], Seeds = [0, 1] };
        const string running = RegularizerStudySettings.RegularizedRunningStatistics;
        RegularizerRecord[] records =
        [
            Record(0, RegularizerStudySettings.Plain, 0.70), Record(1, RegularizerStudySettings.Plain, 0.72),
            Record(0, RegularizerStudySettings.Regularized, 0.71), Record(1, RegularizerStudySettings.Regularized, 0.72),
            Record(0, running, 0.30), Record(1, running, 0.34),
        ];

        var text = RegularizerReport.Build(settings, records, 6, []);

        // Running - plain: -40, -38 points: mean -39.0, sd 1.414, t(0.975, 1) = 12.706, half-width 12.706 · 1.414 / sqrt(2) = 12.7.
        // The running arm stays out of the main table, whose regularized column is the batch-statistics arm.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Contain("## Batch norm in the term's passes"));
            Assert.That(text, Does.Contain("| cnn | 200 | 71.0 ± 1.4 | 71.5 ± 0.7 | 32.0 ± 2.8 | 100.0 ± 0.0 | +0.5 [-5.9, +6.9], 2 pairs: *no difference shown* | -39.0 [-51.7, -26.3], 2 pairs: *hurts* |"));
            Assert.That(text, Does.Contain("| cnn | 200 | 2 | 71.0 ± 1.4 | 71.5 ± 0.7 | - |"));
        }
    }

    [Test]
    public void Plan_RunningStatistics_TrainsTheRunningArmInsteadOfTheRegularizedOne()
    {
        var settings = new RegularizerStudySettings { Folder = "unused", DataDirectory = "unused", Models = ["resnet20"], TrainSizes = [500], Seeds = [0], TermBatchNorm = Spindle.Regularizer.BatchNormStatistics.Running };
        Assert.That(string.Join(' ', settings.Plan().Select(r => r.Name)), Is.EqualTo("resnet20-n500-s0-plain resnet20-n500-s0-regularized-running-stats resnet20-n500-s0-plain-equal-data"));
    }

    [Test]
    public void Build_TimeRatio_PairsOnlyRunsWithTheSameThreads()
    {
        var settings = new RegularizerStudySettings { Folder = TestFolders.Create(), DataDirectory = "unused", Models = ["cnn"], TrainSizes = [200], Seeds = [0, 1] };
        RegularizerRecord[] records =
        [
            Record(0, RegularizerStudySettings.Plain, 0.70, 10), Record(1, RegularizerStudySettings.Plain, 0.72, 10) with { Threads = 2 },
            Record(0, RegularizerStudySettings.Regularized, 0.71, 30), Record(1, RegularizerStudySettings.Regularized, 0.72, 50),
        ];

        // Seed 0 pairs 30 s against 10 s on one thread each; seed 1's 50 s on one thread against 10 s on two does not count.
        Assert.That(RegularizerReport.Build(settings, records, 6, []), Does.Contain("| 3.00x (1 of 2 pairs: those with equal threads) |"));
    }
}
