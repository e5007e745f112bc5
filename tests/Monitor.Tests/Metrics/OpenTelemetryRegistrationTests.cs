using OpenTelemetry;
using OpenTelemetry.Metrics;
using Spindle.Monitor.Metrics;
using Spindle.Monitor.Monitoring;
using Spindle.Monitor.Tests.Monitoring;

namespace Spindle.Monitor.Tests.Metrics;

[NonParallelizable]
internal sealed class OpenTelemetryRegistrationTests
{
    [Test]
    public void AddTrainingMonitorInstrumentation_MeterProvider_ExportsTheCheckWithRunId()
    {
        var runId = "otel-test-" + Guid.NewGuid().ToString("N");
        var exporter = new CollectingExporter();
        using var reader = new BaseExportingMetricReader(exporter);
        using (var provider = Sdk.CreateMeterProviderBuilder().AddTrainingMonitorInstrumentation().AddReader(reader).Build())
        {
            using var fixture = new MonitorFixture();
            using var monitor = fixture.Create(new MonitorOptions { RunId = runId, Check = MonitorFixture.CheckOptions });
            monitor.OnEpochEnd(1);
            reader.Collect();
            var spindle = exporter.Points.Where(p => p.Name == "training.interaction.spindle_mass" && p.RunId == runId).ToList();
            using (Assert.EnterMultipleScope())
            {
                Assert.That(spindle, Has.Count.EqualTo(1));
                Assert.That(spindle[0].Value, Is.EqualTo(monitor.LastRecord!.Check.Summary!.SpindleMass));
                Assert.That(exporter.Points.Select(p => p.Name), Does.Contain("training.interaction.check.duration").And.Contain("training.early_stopping.wait").And.Contain("training.interaction.strength"));
            }
        }
    }

    [Test]
    public void AddTrainingMonitorInstrumentation_NullBuilder_Throws() =>
        Assert.That(() => TrainingMonitorMeterProviderBuilderExtensions.AddTrainingMonitorInstrumentation(null!), Throws.ArgumentNullException);

    private sealed class CollectingExporter : BaseExporter<Metric>
    {
        public List<(string Name, string? RunId, double Value)> Points { get; } = [];

        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    string? run = null;
                    foreach (var tag in point.Tags)
                    {
                        if (tag.Key == MonitorMetrics.RunIdAttribute)
                        {
                            run = tag.Value as string;
                        }
                    }

                    var value = metric.MetricType switch
                    {
                        MetricType.DoubleGauge => point.GetGaugeLastValueDouble(),
                        MetricType.LongGauge => point.GetGaugeLastValueLong(),
                        MetricType.Histogram => point.GetHistogramSum(),
                        _ => double.NaN,
                    };
                    Points.Add((metric.Name, run, value));
                }
            }

            return ExportResult.Success;
        }
    }
}
