using OpenTelemetry.Exporter;

namespace Spindle.Monitor.Metrics;

/// <summary>The defaults of <see cref="MonitorOtlpOptions"/>.</summary>
internal static class MonitorOtlpDefaults
{
    /// <summary>OTLP over HTTP with protobuf bodies (a collector's port 4318).</summary>
    public const OtlpExportProtocol Protocol = OtlpExportProtocol.HttpProtobuf;

    /// <summary>The signal path added to a base URL for HTTP/protobuf, as the OTLP specification defines it.</summary>
    public const string MetricsPath = "v1/metrics";

    /// <summary>Ten seconds between exports: a check every epoch of a few seconds to minutes is seen within one interval (OpenTelemetry's own default is 60 s).</summary>
    public static readonly TimeSpan ExportInterval = TimeSpan.FromSeconds(10);
}
