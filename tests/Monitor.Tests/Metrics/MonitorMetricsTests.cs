using System.Diagnostics.Metrics;
using Spindle.Monitor.Checks;
using Spindle.Monitor.EarlyStopping;
using Spindle.Monitor.Metrics;
using Spindle.Monitor.Monitoring;
using Spindle.Monitor.Tests.Monitoring;

namespace Spindle.Monitor.Tests.Metrics;

[NonParallelizable]
internal sealed class MonitorMetricsTests
{
    [Test]
    public void Check_PublishMetrics_RecordsEveryInstrumentTaggedWithTheRunId()
    {
        var runId = "metrics-test-" + Guid.NewGuid().ToString("N");
        var measurements = new List<(string Name, string? Unit, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MonitorMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var dictionary = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                dictionary[tag.Key] = tag.Value;
            }

            if ((string?)dictionary.GetValueOrDefault(MonitorMetrics.RunIdAttribute) == runId)
            {
                lock (measurements)
                {
                    measurements.Add((instrument.Name, instrument.Unit, value, dictionary));
                }
            }
        }

        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.Start();

        using var fixture = new MonitorFixture();
        // A rise rule, whose threshold exists from the first check (the default slope rule has none until its window fills).
        var rise = new EarlyStoppingOptions { Mode = EarlyStoppingMode.RiseAboveMinimum, Signal = EarlyStoppingSignal.SpindleMass, MinDelta = 1.5, Smoothing = 3 };
        using var monitor = fixture.Create(new MonitorOptions { RunId = runId, Check = MonitorFixture.CheckOptions, EarlyStopping = rise });
        monitor.OnEpochEnd(1);
        var record = monitor.LastRecord!;
        var summary = record.Check.Summary!;
        double Single(string name) => measurements.Single(m => m.Name == name).Value;
        var strengths = measurements.Where(m => m.Name == "training.interaction.strength").ToList();
        var spindleOrder2 = strengths.Single(m => (string?)m.Tags["component"] == "spindle" && (int?)m.Tags["order"] == 2 && (string?)m.Tags["sign"] == "positive");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Single("training.interaction.spindle_mass"), Is.EqualTo(summary.SpindleMass));
            Assert.That(Single("training.interaction.decay_mass"), Is.EqualTo(summary.DecayMass));
            Assert.That(Single("training.interaction.spindle_share"), Is.EqualTo(summary.SpindleShare));
            Assert.That(Single("training.interaction.residual_mass"), Is.EqualTo(summary.ResidualMass));
            Assert.That(Single("training.interaction.cancellation_mass"), Is.EqualTo(record.Check.CancellationMass));
            Assert.That(Single("training.interaction.check.epoch"), Is.EqualTo(1));
            Assert.That(Single("training.interaction.check.duration"), Is.EqualTo(record.Check.Timings.TotalSeconds));
            Assert.That(measurements.Single(m => m.Name == "training.interaction.check.duration").Unit, Is.EqualTo("s"));
            Assert.That(Single("training.early_stopping.signal"), Is.EqualTo(record.EarlyStopping.Smoothed));
            Assert.That(Single("training.early_stopping.threshold"), Is.EqualTo(record.Threshold));
            Assert.That(Single("training.early_stopping.wait"), Is.Zero);
            Assert.That(Single("training.early_stopping.stopped"), Is.Zero);
            Assert.That(strengths, Has.Count.EqualTo(3 * 6 * 2), "data, decay and spindle × n = 6 orders × two signs");
            Assert.That(spindleOrder2.Value, Is.EqualTo(record.Check.Fit.Spindle.Positive[1] / record.Check.Z));
            Assert.That(measurements.Select(m => m.Unit).Where(u => u != "s"), Is.All.Not.Null);
        }
    }

    [Test]
    public void Check_PublishMetricsOff_RecordsNothing()
    {
        var runId = "metrics-off-" + Guid.NewGuid().ToString("N");
        var count = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MonitorMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == MonitorMetrics.RunIdAttribute && (string?)tag.Value == runId)
                {
                    Interlocked.Increment(ref count);
                }
            }
        });
        listener.Start();
        using var fixture = new MonitorFixture();
        using var monitor = fixture.Create(new MonitorOptions { RunId = runId, Check = MonitorFixture.CheckOptions, PublishMetrics = false });
        monitor.OnEpochEnd(1);
        Assert.That(count, Is.Zero);
    }

    [Test]
    public void Check_WithBootstrap_RecordsTheLowerAndUpperBoundOfEachQuantitysInterval()
    {
        var runId = "bounds-" + Guid.NewGuid().ToString("N");
        using var collector = new Collector(runId);
        using var fixture = new MonitorFixture();
        using var monitor = fixture.Create(new MonitorOptions { RunId = runId, Check = MonitorFixture.CheckOptions });
        monitor.OnEpochEnd(1);
        var uncertainty = monitor.LastRecord!.Check.Uncertainty!;
        var bounds = collector.Measurements.Where(m => m.Name == "training.interaction.bootstrap.bound").ToList();
        double Bound(string quantity, string bound) => bounds.Single(m => (string?)m.Tags["quantity"] == quantity && (string?)m.Tags["bound"] == bound).Value;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(bounds, Has.Count.EqualTo(4 * 2), "four quantities x lower and upper");
            foreach (var (metric, quantity) in new[]
            {
                (CheckMetric.SpindleMass, "spindle_mass"), (CheckMetric.DecayMass, "decay_mass"),
                (CheckMetric.SpindleShare, "spindle_share"), (CheckMetric.CancellationMass, "cancellation_mass"),
            })
            {
                var interval = uncertainty.Interval(metric)!;
                Assert.That(Bound(quantity, "lower"), Is.EqualTo(interval.Lower), quantity);
                Assert.That(Bound(quantity, "upper"), Is.EqualTo(interval.Upper), quantity);
                Assert.That(interval.Lower, Is.LessThanOrEqualTo(interval.Upper), quantity);
            }

            Assert.That(bounds.Select(m => m.Unit), Is.All.EqualTo("1"));
        }
    }

    [Test]
    public void RecordEpochAndCheck_Overhead_IsAllCheckSecondsOverAllTrainingSecondsOfTheRun()
    {
        var runId = "overhead-" + Guid.NewGuid().ToString("N");
        using var collector = new Collector(runId);
        using var fixture = new MonitorFixture();
        using var monitor = fixture.Create(new MonitorOptions { RunId = runId, Check = MonitorFixture.CheckOptions, CheckBudget = null });

        MonitorMetrics.RecordEpoch(runId, 1, trainingSeconds: 2.0);
        var beforeAnyCheck = collector.Measurements.Count(m => m.Name == "training.interaction.check.overhead");
        monitor.OnEpochEnd(1);
        var firstCheck = monitor.LastRecord!.Check.Timings.TotalSeconds;
        MonitorMetrics.RecordEpoch(runId, 2, trainingSeconds: 3.0);
        monitor.OnEpochEnd(2);
        var secondCheck = monitor.LastRecord!.Check.Timings.TotalSeconds;
        var overhead = collector.Measurements.Where(m => m.Name == "training.interaction.check.overhead").Select(m => m.Value).ToList();
        var epochs = collector.Measurements.Where(m => m.Name == "training.epoch").Select(m => m.Value).ToList();

        // Exact sums of the same doubles in the same order: compared to 1e-12 relative (1e-10 percent), room for the division only.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(beforeAnyCheck, Is.Zero, "no ratio before the first check");
            Assert.That(overhead, Has.Count.EqualTo(3), "after the first check, the second epoch and the second check");
            Assert.That(overhead[0], Is.EqualTo(firstCheck / 2.0).Within(1e-10).Percent);
            Assert.That(overhead[1], Is.EqualTo(firstCheck / 5.0).Within(1e-10).Percent);
            Assert.That(overhead[2], Is.EqualTo((firstCheck + secondCheck) / 5.0).Within(1e-10).Percent);
            Assert.That(epochs, Is.EqualTo(new double[] { 1, 2 }));
        }
    }

    [Test]
    public void RecordSplit_LossAndAccuracy_TaggedWithRunAndSplit()
    {
        var runId = "split-" + Guid.NewGuid().ToString("N");
        using var collector = new Collector(runId);

        MonitorMetrics.RecordSplit(runId, "train", 0.25, 0.9);
        MonitorMetrics.RecordSplit(runId, "test", 0.5);

        var loss = collector.Measurements.Where(m => m.Name == "training.loss").ToList();
        var accuracy = collector.Measurements.Where(m => m.Name == "training.accuracy").ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(loss.Select(m => ((string?)m.Tags[MonitorMetrics.SplitAttribute], m.Value)), Is.EqualTo(new[] { ("train", 0.25), ("test", 0.5) }));
            Assert.That(accuracy.Select(m => ((string?)m.Tags[MonitorMetrics.SplitAttribute], m.Value)), Is.EqualTo(new[] { ("train", 0.9) }), "no accuracy given for test");
            Assert.That(loss.Concat(accuracy).Select(m => m.Unit), Is.All.EqualTo("1"));
        }
    }

    [TestCase("", "train", 0.5, null, "runId")]
    [TestCase("run", "", 0.5, null, "split")]
    [TestCase("run", "train", 0.5, 1.5, "accuracy")]
    [TestCase("run", "train", 0.5, -0.1, "accuracy")]
    public void RecordSplit_BadArgument_NamesIt(string runId, string split, double loss, double? accuracy, string parameter) =>
        Assert.That(() => MonitorMetrics.RecordSplit(runId, split, loss, accuracy), Throws.InstanceOf<ArgumentException>().With.Property("ParamName").EqualTo(parameter));

    [TestCase(-1, 1.0, "epoch")]
    [TestCase(1, -1.0, "trainingSeconds")]
    [TestCase(1, double.NaN, "trainingSeconds")]
    [TestCase(1, double.PositiveInfinity, "trainingSeconds")]
    public void RecordEpoch_BadArgument_NamesIt(int epoch, double seconds, string parameter) =>
        Assert.That(() => MonitorMetrics.RecordEpoch("run", epoch, seconds), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo(parameter));

    /// <summary>Collects the Spindle.Monitor measurements tagged with one run id.</summary>
    private sealed class Collector : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly string _runId;
        private readonly List<(string Name, string? Unit, double Value, Dictionary<string, object?> Tags)> _measurements = [];

        public Collector(string runId)
        {
            _runId = runId;
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == MonitorMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.Start();
        }

        public IReadOnlyList<(string Name, string? Unit, double Value, Dictionary<string, object?> Tags)> Measurements
        {
            get
            {
                lock (_measurements)
                {
                    return [.. _measurements];
                }
            }
        }

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var dictionary = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                dictionary[tag.Key] = tag.Value;
            }

            if ((string?)dictionary.GetValueOrDefault(MonitorMetrics.RunIdAttribute) == _runId)
            {
                lock (_measurements)
                {
                    _measurements.Add((instrument.Name, instrument.Unit, value, dictionary));
                }
            }
        }
    }
}
