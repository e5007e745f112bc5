using OpenTelemetry.Exporter;

namespace Spindle.Monitor.Metrics;

/// <summary>Where and how <see cref="MonitorOtlpExporter"/> (or <c>AddTrainingMonitorOtlpExporter</c>) sends the <c>Spindle.Monitor</c> meter to an OpenTelemetry collector.</summary>
public sealed class MonitorOtlpOptions
{
    /// <summary>Gets or sets the collector's OTLP endpoint.</summary>
    /// <value>
    /// No default: required. For <see cref="OtlpExportProtocol.HttpProtobuf"/> a base URL such as <c>http://localhost:4318</c>
    /// gets the signal path <c>v1/metrics</c> added; a URL with a path is used as given. For
    /// <see cref="OtlpExportProtocol.Grpc"/> the URL is used as given (a collector's port 4317).
    /// </value>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the OTLP transport.</summary>
    /// <value>The default value is <see cref="OtlpExportProtocol.HttpProtobuf"/>.</value>
    public OtlpExportProtocol Protocol { get; set; } = MonitorOtlpDefaults.Protocol;

    /// <summary>Gets or sets the time between exports; the last values are also sent when the meter provider is disposed.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan ExportInterval { get; set; } = MonitorOtlpDefaults.ExportInterval;

    /// <summary>Gets or sets extra request headers, as OTLP writes them: <c>key1=value1,key2=value2</c> (for instance a collector's API key).</summary>
    /// <value>The default value is <see langword="null"/> (none).</value>
    public string? Headers { get; set; }

    /// <summary>Gets or sets the <c>service.name</c> resource attribute <see cref="MonitorOtlpExporter.Start(MonitorOtlpOptions)"/> sends.</summary>
    /// <value>The default value is <see langword="null"/>: OpenTelemetry's default (<c>OTEL_SERVICE_NAME</c>, else <c>unknown_service:PROCESS</c>).</value>
    public string? ServiceName { get; set; }

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException"><see cref="Endpoint"/> is missing, not absolute, or not http or https.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Protocol"/> is unknown or <see cref="ExportInterval"/> is not positive.</exception>
    public void Validate()
    {
        if (Endpoint is not { IsAbsoluteUri: true } endpoint || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The OTLP endpoint must be an absolute http:// or https:// URL, such as http://localhost:4318; got '{Endpoint}'.", nameof(Endpoint));
        }

        if (!Enum.IsDefined(Protocol))
        {
            throw new ArgumentOutOfRangeException(nameof(Protocol), Protocol, "Unknown OTLP protocol.");
        }

        if (ExportInterval <= TimeSpan.Zero || ExportInterval.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(ExportInterval), ExportInterval, "The export interval must be positive (and below 24 days).");
        }
    }

    /// <summary>Gets the URL the exporter posts to: <see cref="Endpoint"/>, with <c>v1/metrics</c> added to a bare HTTP/protobuf base URL.</summary>
    /// <returns>The URL.</returns>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public Uri ResolveEndpoint()
    {
        Validate();
        var endpoint = Endpoint!;
        return Protocol == OtlpExportProtocol.HttpProtobuf && endpoint.AbsolutePath is "" or "/"
            ? new Uri(endpoint, MonitorOtlpDefaults.MetricsPath)
            : endpoint;
    }

    /// <summary>A copy, so that later changes to the caller's object have no effect.</summary>
    internal MonitorOtlpOptions Clone() => (MonitorOtlpOptions)MemberwiseClone();
}
