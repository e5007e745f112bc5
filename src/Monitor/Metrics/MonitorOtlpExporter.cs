using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Spindle.Monitor.Metrics;

/// <summary>
/// Sends the <c>Spindle.Monitor</c> meter (every <see cref="Monitoring.InteractionMonitor"/> check) to an OpenTelemetry
/// collector over OTLP, for a loop that has no OpenTelemetry set-up of its own: one line before the loop,
/// <c>using var export = MonitorOtlpExporter.Start(new Uri("http://localhost:4318"));</c>.
/// </summary>
/// <remarks>
/// An application that already builds a <see cref="MeterProvider"/> adds <c>AddTrainingMonitorOtlpExporter(options)</c>
/// to it instead. Export failures (a collector that is down) do not throw: OpenTelemetry reports them on its
/// <c>OpenTelemetry-Exporter-OpenTelemetryProtocol</c> event source, and training goes on.
/// </remarks>
public static class MonitorOtlpExporter
{
    /// <summary>Starts exporting to a collector at <paramref name="endpoint"/> over HTTP/protobuf every 10 seconds.</summary>
    /// <param name="endpoint">The collector, for instance <c>http://localhost:4318</c> (<c>v1/metrics</c> is added).</param>
    /// <returns>The meter provider; dispose it after training to send the last values and stop.</returns>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not an absolute http or https URL.</exception>
    public static MeterProvider Start(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return Start(new MonitorOtlpOptions { Endpoint = endpoint });
    }

    /// <summary>Starts exporting with the given options.</summary>
    /// <param name="options">The options; validated here, later changes have no effect.</param>
    /// <returns>The meter provider; dispose it after training to send the last values and stop.</returns>
    /// <exception cref="ArgumentException">The endpoint is missing or not an absolute http or https URL.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The protocol or the export interval is out of range.</exception>
    public static MeterProvider Start(MonitorOtlpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = options.Clone();
        copy.Validate();
        var builder = Sdk.CreateMeterProviderBuilder();
        if (copy.ServiceName is { Length: > 0 } service)
        {
            builder.ConfigureResource(resource => resource.AddService(service));
        }

        return builder.AddTrainingMonitorOtlpExporter(copy).Build();
    }
}
