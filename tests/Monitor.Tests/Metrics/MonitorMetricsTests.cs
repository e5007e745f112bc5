using System.Diagnostics.Metrics;
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
        using var monitor = fixture.Create(new MonitorOptions { RunId = runId, Check = MonitorFixture.CheckOptions });
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
}
