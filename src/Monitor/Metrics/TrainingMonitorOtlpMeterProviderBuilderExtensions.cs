using Spindle.Monitor.Metrics;

namespace OpenTelemetry.Metrics;

/// <summary>Sends Spindle's training-monitor metrics to an OpenTelemetry collector from a <see cref="MeterProviderBuilder"/> an application already has.</summary>
public static class TrainingMonitorOtlpMeterProviderBuilderExtensions
{
    /// <summary>Adds the <c>Spindle.Monitor</c> meter (<see cref="MonitorMetrics.MeterName"/>) and an OTLP exporter with a periodic reader for it.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">Endpoint, protocol, export interval and headers; validated and copied here.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The endpoint is missing or not an absolute http or https URL.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The protocol or the export interval is out of range.</exception>
    /// <remarks>
    /// The exporter takes every meter the builder has (an OTLP exporter is per provider, not per meter). With
    /// <see cref="OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf"/>, a base URL gets <c>v1/metrics</c> added
    /// (<see cref="MonitorOtlpOptions.ResolveEndpoint"/>): OpenTelemetry adds the signal path to an endpoint from
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> but not to one set in code.
    /// </remarks>
    public static MeterProviderBuilder AddTrainingMonitorOtlpExporter(this MeterProviderBuilder builder, MonitorOtlpOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var endpoint = options.ResolveEndpoint();
        var protocol = options.Protocol;
        var headers = options.Headers;
        var interval = (int)options.ExportInterval.TotalMilliseconds;
        return builder.AddTrainingMonitorInstrumentation().AddOtlpExporter((exporter, reader) =>
        {
            exporter.Endpoint = endpoint;
            exporter.Protocol = protocol;
            if (headers is not null)
            {
                exporter.Headers = headers;
            }

            reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
        });
    }
}
