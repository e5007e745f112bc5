using System.Text.Json;
using Spindle.Monitor.EarlyStopping;

namespace Spindle.Monitor.Tests.EarlyStopping;

internal sealed class EarlyStoppingTrackerTests
{
    private const int Never = -1;

    // Histories for the rise rule (the provisional default before the early-stopping study): median of 3, 2.5x the
    // running minimum, 3 checks in a row, warm-up 3.
    private static readonly double[] Rising = [1, 0.5, 0.4, 0.5, 0.8, 1.1, 1.3, 1.6, 2.0, 2.4, 3.0];
    private static readonly double[] Flat = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    private static readonly double[] Alternating = [1, 1, 1, 3, 1, 3, 1, 3, 1, 3, 1, 3];
    private static readonly double[] Spike = [1, 1, 1, 1, 10, 1, 1, 1, 1];
    private static readonly double[] UShaped = [2, 1.5, 1, 0.6, 0.5, 0.6, 0.9, 1.3, 1.6, 1.9, 2.2, 2.5];
    private static readonly double[] SlowRise = [1, 0.9, 0.8, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6];

    public static IEnumerable<TestCaseData> RiseRuleHistories()
    {
        // Smoothed: 1, .75, .5, .5, .5, .8, 1.1, 1.3, 1.6, 2.0, 2.4; minimum .5; above 1.25 from check 7: third at 9.
        yield return new TestCaseData(Rising, 9, StopReason.EarlyStopping, 2).SetName("Update_Rising_StopsAtThirdCheckAbove2.5xMinimum");
        yield return new TestCaseData(Flat, Never, StopReason.None, 0).SetName("Update_Flat_NeverStops");
        // Medians of 3 alternate between 1 and 3 (> 2.5): never three checks in a row.
        yield return new TestCaseData(Alternating, Never, StopReason.None, 0).SetName("Update_NoisyAlternating_NeverStops");
        yield return new TestCaseData(Spike, Never, StopReason.None, 0).SetName("Update_SingleSpike_SmoothedAway");
        // Smoothed: 2, 1.75, 1.5, 1, .6, .6, .6, .9, 1.3, 1.6, 1.9, 2.2; minimum .6 at check 4; above 1.5 from check 9.
        yield return new TestCaseData(UShaped, 11, StopReason.EarlyStopping, 4).SetName("Update_UShaped_FallDoesNotStopRiseDoes");
        // Smoothed minimum .8 at check 3, threshold 2.0: a rise to twice the minimum is not enough.
        yield return new TestCaseData(SlowRise, Never, StopReason.None, 3).SetName("Update_RiseBelow2.5x_NeverStops");
        yield return new TestCaseData(new[] { 1, 0.5, double.NaN, 0.5 }, 2, StopReason.SignalNotFinite, 1).SetName("Update_NaN_StopsAtOnceEvenInWarmUp");
        yield return new TestCaseData(new[] { 1, 0.5, 0.4, 0.4, double.PositiveInfinity }, 4, StopReason.SignalNotFinite, 3).SetName("Update_Infinity_StopsAtOnce");
    }

    [TestCaseSource(nameof(RiseRuleHistories))]
    public void Update_RiseRule_StopsWhereExpected(double[] values, int expectedStop, StopReason expectedReason, int expectedBest)
    {
        var tracker = new EarlyStoppingTracker(RiseRule());
        var (stop, decision) = Run(tracker, values);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stop, Is.EqualTo(expectedStop));
            Assert.That(decision.Reason, Is.EqualTo(expectedReason));
            Assert.That(decision.ShouldStop, Is.EqualTo(expectedStop != Never));
            Assert.That(tracker.BestCheck, Is.EqualTo(expectedBest));
            Assert.That(decision.Message, expectedStop == Never ? Is.Empty : Is.Not.Empty);
        }
    }

    // values, mode, min delta, kind, patience, warm-up, smoothing, expected stop, expected best check
    [TestCase(new[] { 0.1, 1, 1, 1, 1 }, EarlyStoppingMode.RiseAboveMinimum, 1.5, MinDeltaKind.Relative, 1, 3, 1, 3, 0, TestName = "Update_WarmUp3_FirstPossibleStopIsCheck3")]
    [TestCase(new[] { 0.1, 1, 1, 1, 1 }, EarlyStoppingMode.RiseAboveMinimum, 1.5, MinDeltaKind.Relative, 1, 0, 1, 1, 0, TestName = "Update_NoWarmUp_StopsAtFirstRise")]
    [TestCase(new[] { 0.1, 1, 1, 1, 1 }, EarlyStoppingMode.RiseAboveMinimum, 1.5, MinDeltaKind.Relative, 2, 3, 1, 4, 0, TestName = "Update_WarmUpChecksDoNotCountTowardsPatience")]
    [TestCase(new[] { 1, 1, 1, 1, 10.0, 1, 1 }, EarlyStoppingMode.RiseAboveMinimum, 1.5, MinDeltaKind.Relative, 1, 0, 1, 4, 0, TestName = "Update_SpikeWithoutSmoothing_Stops")]
    [TestCase(new[] { 1, 0.5, 0.9, 1.1, 1.2 }, EarlyStoppingMode.RiseAboveMinimum, 0.5, MinDeltaKind.Absolute, 2, 0, 1, 4, 1, TestName = "Update_AbsoluteMinDelta_ThresholdIsMinimumPlusDelta")]
    [TestCase(new[] { 1, 0.8, 0.75, 0.72, 0.9 }, EarlyStoppingMode.NoImprovement, 0.1, MinDeltaKind.Absolute, 2, 0, 1, 3, 1, TestName = "Update_NoImprovementAbsolute_StopsAfterPatience")]
    [TestCase(new[] { 1, 0.95, 0.85, 0.8, 0.78 }, EarlyStoppingMode.NoImprovement, 0.1, MinDeltaKind.Relative, 2, 0, 1, 4, 2, TestName = "Update_NoImprovementRelative_ImprovementResetsWait")]
    [TestCase(new[] { 1, 0.9, 0.8, 0.7, 0.6, 0.5 }, EarlyStoppingMode.NoImprovement, 0, MinDeltaKind.Absolute, 1, 0, 1, Never, 5, TestName = "Update_NoImprovementFalling_NeverStops")]
    public void Update_Rule_StopsWhereExpected(double[] values, EarlyStoppingMode mode, double minDelta, MinDeltaKind kind, int patience, int warmUp, int smoothing, int expectedStop, int expectedBest)
    {
        var tracker = new EarlyStoppingTracker(new EarlyStoppingOptions
        {
            Mode = mode,
            MinDelta = minDelta,
            MinDeltaKind = kind,
            Patience = patience,
            WarmUpChecks = warmUp,
            Smoothing = smoothing,
        });
        var (stop, decision) = Run(tracker, values);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stop, Is.EqualTo(expectedStop));
            Assert.That(decision.Reason, Is.EqualTo(expectedStop == Never ? StopReason.None : StopReason.EarlyStopping));
            Assert.That(tracker.BestCheck, Is.EqualTo(expectedBest));
        }
    }

    [TestCase(5.0, new[] { 1, 1, 6.0, 1 }, 2, StopReason.Diverged, TestName = "Update_AboveDivergenceThreshold_StopsAtOnceInWarmUp")]
    [TestCase(5.0, new[] { 1, 1, 5.0, 1 }, Never, StopReason.None, TestName = "Update_AtDivergenceThreshold_Continues")]
    public void Update_DivergenceThreshold_StopsOnRawValue(double threshold, double[] values, int expectedStop, StopReason expectedReason)
    {
        var tracker = new EarlyStoppingTracker(new EarlyStoppingOptions { DivergenceThreshold = threshold });
        var (stop, decision) = Run(tracker, values);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stop, Is.EqualTo(expectedStop));
            Assert.That(decision.Reason, Is.EqualTo(expectedReason));
        }
    }

    [Test]
    public void Update_AfterStop_ReturnsTheSameDecision()
    {
        var tracker = new EarlyStoppingTracker(RiseRule());
        var (stop, decision) = Run(tracker, Rising);
        var later = tracker.Update(0.01);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stop, Is.EqualTo(9));
            Assert.That(later, Is.EqualTo(decision));
            Assert.That(tracker.Checks, Is.EqualTo(10), "the updates after the stop are not counted");
            Assert.That(decision.Message, Does.Contain("spindle mass").And.Contain("2.5x its running minimum 0.5"));
        }
    }

    [Test]
    public void Update_NaN_MessageNamesTheSignalAndCheck()
    {
        var tracker = new EarlyStoppingTracker(new EarlyStoppingOptions { Signal = EarlyStoppingSignal.CancellationMass });
        tracker.Update(1);
        var decision = tracker.Update(double.NaN);
        Assert.That(decision.Message, Does.Contain("cancellation mass of check #2 is NaN"));
    }

    public static IEnumerable<TestCaseData> ResumeHistories()
    {
        foreach (var (name, values) in new[] { ("Rising", Rising), ("Alternating", Alternating), ("UShaped", UShaped), ("NaN", new[] { 1, 0.5, 0.4, double.NaN, 1 }), ("SlopeUShaped", SlopeUShaped) })
        {
            for (var split = 0; split <= values.Length; split++)
            {
                yield return new TestCaseData(values, split, false).SetName($"LoadState_{name}SplitAt{split}_RiseRule_DecidesAsUninterrupted");
                yield return new TestCaseData(values, split, true).SetName($"LoadState_{name}SplitAt{split}_DefaultRule_DecidesAsUninterrupted");
            }
        }
    }

    [TestCaseSource(nameof(ResumeHistories))]
    public void LoadState_AfterJsonRoundTrip_DecidesAsUninterrupted(double[] values, int split, bool defaults)
    {
        var options = defaults ? new EarlyStoppingOptions() : RiseRule();
        var whole = new EarlyStoppingTracker(options);
        var expected = values.Select(whole.Update).ToArray();

        var first = new EarlyStoppingTracker(options);
        var decisions = values.Take(split).Select(first.Update).ToList();
        var json = JsonSerializer.Serialize(first.GetState());
        var second = new EarlyStoppingTracker(options);
        second.LoadState(JsonSerializer.Deserialize<EarlyStoppingState>(json)!);
        decisions.AddRange(values.Skip(split).Select(second.Update));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(decisions, Is.EqualTo(expected));
            Assert.That(second.BestCheck, Is.EqualTo(whole.BestCheck));
            Assert.That(second.Best, Is.EqualTo(whole.Best));
            Assert.That(second.Wait, Is.EqualTo(whole.Wait));
            Assert.That(second.Slope, Is.EqualTo(whole.Slope));
        }
    }

    [Test]
    public void LoadState_Inconsistent_Throws()
    {
        var tracker = new EarlyStoppingTracker();
        Assert.That(() => tracker.LoadState(new EarlyStoppingState { Checks = 1, Window = [1, 2, 3, 4] }), Throws.ArgumentException);
    }

    [Test]
    public void Defaults_AreTheStudysSlopeRule()
    {
        // The values the docs state; Spindle.Cli.Tests' EarlyStoppingStudyTests checks that the study still chooses them.
        var options = new EarlyStoppingOptions();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.Signal, Is.EqualTo(EarlyStoppingSignal.CancellationMass));
            Assert.That(options.Mode, Is.EqualTo(EarlyStoppingMode.Slope));
            Assert.That(options.SlopeWindow, Is.EqualTo(8));
            Assert.That(options.MinDelta, Is.EqualTo(0.05), "5% of the window's mean per check");
            Assert.That(options.MinDeltaKind, Is.EqualTo(MinDeltaKind.Relative));
            Assert.That(options.Patience, Is.EqualTo(2));
            Assert.That(options.WarmUpChecks, Is.Zero);
            Assert.That(options.Smoothing, Is.EqualTo(1));
            Assert.That(options.DivergenceThreshold, Is.Null);
        }
    }

    // Histories for the default slope rule: least-squares slope of the last 8 raw values above 5% of their mean per
    // check, 2 checks in a row, no warm-up.
    private static readonly double[] SlopeUShaped = [3, 2.5, 2, 1.6, 1.3, 1.1, 1.0, 1.0, 1.1, 1.3, 1.6, 2.0, 2.5, 3.0];

    public static IEnumerable<TestCaseData> DefaultRuleHistories()
    {
        // v = 1 + 0.1 i: slope 0.1 per check over means 1.35 (checks 0-7) and 1.45 (1-8): 7.4% and 6.9%: stops at check 8.
        yield return new TestCaseData(Enumerable.Range(0, 20).Select(i => 1 + (0.1 * i)).ToArray(), 8, 0).SetName("Update_DefaultRule_SteadyRise_StopsAtSecondFullWindow");
        // v = 1 + 0.03 i: 0.03 over means ≥ 1.105: at most 2.7% per check.
        yield return new TestCaseData(Enumerable.Range(0, 30).Select(i => 1 + (0.03 * i)).ToArray(), Never, 0).SetName("Update_DefaultRule_SlowRise_NeverStops");
        yield return new TestCaseData(Flat, Never, 0).SetName("Update_DefaultRule_Flat_NeverStops");
        // 1, 3, 1, 3, ...: slope over 8 is +4/42 = 0.095 on mean 2 (4.8%) or −0.095: never above 5%.
        yield return new TestCaseData(Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? 1.0 : 3.0).ToArray(), Never, 0).SetName("Update_DefaultRule_Alternating_NeverStops");
        // Relative slopes of the windows ending at checks 7..13: −0.173, −0.138, −0.077, −0.000, +0.077, +0.138, +0.173: the
        // first two above 5% are checks 11 and 12. The lowest value (1.0) is first reached at check 6.
        yield return new TestCaseData(SlopeUShaped, 12, 6).SetName("Update_DefaultRule_UShaped_FallDoesNotStopRiseDoes");
        // No smoothing: a single check at 10x moves the 8-check slope by 5-35% of the mean for as long as it is in the
        // window. The study chose the unsmoothed rule (a median of 3 did no better on its selection runs); this case
        // documents the cost: a one-check spike stops it. Relative slopes: check 8 (1,..,1,10) +0.353, check 9 (1,..,10,1) +0.252.
        yield return new TestCaseData(new double[] { 1, 1, 1, 1, 1, 1, 1, 1, 10, 1, 1, 1 }, 9, 0).SetName("Update_DefaultRule_SingleSpike_Stops");
    }

    [TestCaseSource(nameof(DefaultRuleHistories))]
    public void Update_DefaultRule_StopsWhereExpected(double[] values, int expectedStop, int expectedBest)
    {
        var tracker = new EarlyStoppingTracker();
        var (stop, decision) = Run(tracker, values);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stop, Is.EqualTo(expectedStop));
            Assert.That(decision.Reason, Is.EqualTo(expectedStop == Never ? StopReason.None : StopReason.EarlyStopping));
            Assert.That(tracker.BestCheck, Is.EqualTo(expectedBest));
            Assert.That(decision.Message, expectedStop == Never ? Is.Empty : Does.Contain("cancellation mass").And.Contain("5% of their mean per check"));
        }
    }

    [Test]
    public void Update_SlopeMode_SlopeIsTheLeastSquaresSlopeOverTheWindowMean()
    {
        // Window 4 of 2, 4, 4, 8: x̄ = 1.5, ȳ = 4.5, Σ(x−x̄)(y−ȳ) = (−1.5)(−2.5) + (−0.5)(−0.5) + (0.5)(−0.5) + (1.5)(3.5) = 9,
        // Σ(x−x̄)² = 5: slope 1.8, relative 0.4 (tolerance: double rounding only).
        var tracker = new EarlyStoppingTracker(new EarlyStoppingOptions { Mode = EarlyStoppingMode.Slope, SlopeWindow = 4, MinDelta = 1, Patience = 1 });
        foreach (var v in new[] { 2.0, 4, 4 })
        {
            tracker.Update(v);
            Assert.That(tracker.Slope, Is.Null, "no slope before the window is full");
        }

        tracker.Update(8);
        Assert.That(tracker.Slope, Is.EqualTo(0.4).Within(1e-12));
        var absolute = new EarlyStoppingTracker(new EarlyStoppingOptions { Mode = EarlyStoppingMode.Slope, SlopeWindow = 4, MinDelta = 1.7, MinDeltaKind = MinDeltaKind.Absolute, Patience = 1 });
        var decisions = new[] { 2.0, 4, 4, 8 }.Select(absolute.Update).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(absolute.Slope, Is.EqualTo(1.8).Within(1e-12));
            Assert.That(decisions[^1].ShouldStop, Is.True, "absolute slope 1.8 > 1.7");
        }
    }

    [TestCase(MinDeltaKind.Relative, 0.05)]
    [TestCase(MinDeltaKind.Absolute, 0.02)]
    public void Threshold_SlopeMode_IsTheNextValueAtWhichTheSlopeCounts(MinDeltaKind kind, double minDelta)
    {
        // After W - 1 values the threshold T is the next value whose window slope equals MinDelta: T + 1e-9 counts as
        // rising, T - 1e-9 does not (1e-9: far above double rounding of slopes of values near 1, far below the data).
        double[] history = [1.0, 0.9, 0.95, 0.92, 1.0, 0.97, 1.02];
        EarlyStoppingTracker Fed()
        {
            var tracker = new EarlyStoppingTracker(new EarlyStoppingOptions { Mode = EarlyStoppingMode.Slope, SlopeWindow = 8, MinDelta = minDelta, MinDeltaKind = kind, Patience = 1 });
            foreach (var v in history[..^1])
            {
                tracker.Update(v);
            }

            Assert.That(tracker.Threshold, Is.Null, "undefined until the window holds all but one value");
            tracker.Update(history[^1]);
            return tracker;
        }

        var threshold = Fed().Threshold!.Value;
        var above = Fed();
        var below = Fed();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(above.Update(threshold + 1e-9).ShouldStop, Is.True);
            Assert.That(above.Slope, Is.EqualTo(minDelta).Within(1e-8));
            Assert.That(below.Update(threshold - 1e-9).ShouldStop, Is.False);
        }
    }

    [Test]
    public void Update_SlopeModeWithWarmUp_CountsNoCheckBeforeIt()
    {
        var options = new EarlyStoppingOptions { Mode = EarlyStoppingMode.Slope, SlopeWindow = 2, MinDelta = 0.01, Patience = 1, WarmUpChecks = 5 };
        var (stop, _) = Run(new EarlyStoppingTracker(options), [1, 2, 3, 4, 5, 6, 7]);
        Assert.That(stop, Is.EqualTo(5));
    }

    [Test]
    public void Constructor_SlopeWindowBelowTwo_Throws()
    {
        var options = new EarlyStoppingOptions { SlopeWindow = 1 };
        Assert.That(() => new EarlyStoppingTracker(options), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    private static EarlyStoppingOptions RiseRule() => new()
    {
        Signal = EarlyStoppingSignal.SpindleMass,
        Mode = EarlyStoppingMode.RiseAboveMinimum,
        MinDelta = 1.5,
        MinDeltaKind = MinDeltaKind.Relative,
        Patience = 3,
        WarmUpChecks = 3,
        Smoothing = 3,
    };

    [Test]
    public void Constructor_CopiesOptions_LaterChangesHaveNoEffect()
    {
        var options = new EarlyStoppingOptions { Mode = EarlyStoppingMode.RiseAboveMinimum, MinDelta = 1.5, Patience = 1, WarmUpChecks = 0, Smoothing = 1 };
        var tracker = new EarlyStoppingTracker(options);
        options.Patience = 100;
        tracker.Update(0.1);
        Assert.That(tracker.Update(1).ShouldStop, Is.True);
    }

    [TestCase(0, 0, 1, 0.0, TestName = "Constructor_PatienceZero_Throws")]
    [TestCase(1, -1, 1, 0.0, TestName = "Constructor_NegativeWarmUp_Throws")]
    [TestCase(1, 0, 0, 0.0, TestName = "Constructor_SmoothingZero_Throws")]
    [TestCase(1, 0, 1, -0.1, TestName = "Constructor_NegativeMinDelta_Throws")]
    [TestCase(1, 0, 1, double.NaN, TestName = "Constructor_NaNMinDelta_Throws")]
    public void Constructor_OutOfRange_Throws(int patience, int warmUp, int smoothing, double minDelta)
    {
        var options = new EarlyStoppingOptions { Patience = patience, WarmUpChecks = warmUp, Smoothing = smoothing, MinDelta = minDelta };
        Assert.That(() => new EarlyStoppingTracker(options), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    private static (int Stop, StopDecision Decision) Run(EarlyStoppingTracker tracker, IEnumerable<double> values)
    {
        var i = 0;
        foreach (var value in values)
        {
            var decision = tracker.Update(value);
            if (decision.ShouldStop)
            {
                return (i, decision);
            }

            i++;
        }

        return (Never, StopDecision.Continue);
    }
}
