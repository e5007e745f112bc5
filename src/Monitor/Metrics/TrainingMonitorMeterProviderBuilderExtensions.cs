using Spindle.Monitor.Metrics;

namespace OpenTelemetry.Metrics;

/// <summary>Registers Spindle's training-monitor metrics with an OpenTelemetry <see cref="MeterProviderBuilder"/>.</summary>
public static class TrainingMonitorMeterProviderBuilderExtensions
{
    /// <summary>Adds the <c>Spindle.Monitor</c> meter (<see cref="MonitorMetrics.MeterName"/>): the masses, per-order strengths, check durations and early-stopping state every <see cref="Spindle.Monitor.Monitoring.InteractionMonitor"/> check records.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MeterProviderBuilder AddTrainingMonitorInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(MonitorMetrics.MeterName);
    }
}
