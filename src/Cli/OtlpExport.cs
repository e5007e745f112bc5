using System.CommandLine;
using System.Diagnostics.Tracing;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using Spindle.Monitor.Metrics;

namespace Spindle.Cli;

/// <summary>
/// <c>--otlp-endpoint URL</c> (with <c>--otlp-protocol</c>) of <c>train</c> and <c>demo</c>: sends the <c>Spindle.Monitor</c>
/// meter to an OpenTelemetry collector over OTLP while training runs (<see cref="MonitorOtlpExporter"/>). A collector that
/// cannot be reached is reported once on standard error and training goes on.
/// </summary>
internal sealed class OtlpExport : IDisposable
{
    /// <summary>The <c>service.name</c> resource attribute of the exported metrics.</summary>
    public const string ServiceName = "spindle";

    private readonly MeterProvider _meters;
    private readonly FailureListener _failures;

    private OtlpExport(MeterProvider meters, FailureListener failures, Uri url)
    {
        _meters = meters;
        _failures = failures;
        Url = url;
    }

    /// <summary>Gets the URL the metrics are posted to.</summary>
    public Uri Url { get; }

    /// <summary>The <c>--otlp-endpoint</c> option.</summary>
    /// <returns>The option.</returns>
    public static Option<string?> EndpointOption() => new("--otlp-endpoint")
    {
        Description = "Send the interaction monitor's metrics to an OpenTelemetry collector at this OTLP URL while training (with --monitor), "
            + "e.g. http://localhost:4318 (v1/metrics is added) or http://localhost:4317 with --otlp-protocol grpc; every 10 s and at the end. [default: none, no export]",
    };

    /// <summary>The <c>--otlp-protocol</c> option.</summary>
    /// <returns>The option.</returns>
    public static Option<string> ProtocolOption()
    {
        var option = new Option<string>("--otlp-protocol")
        {
            Description = "OTLP transport for --otlp-endpoint: http-protobuf or grpc.",
            DefaultValueFactory = _ => "http-protobuf",
        };
        option.AcceptOnlyFromAmong("http-protobuf", "grpc");
        return option;
    }

    /// <summary>Turns the two options' values into exporter options, or null when no endpoint was given.</summary>
    /// <param name="endpoint">The <c>--otlp-endpoint</c> value.</param>
    /// <param name="protocol">The <c>--otlp-protocol</c> value.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">The endpoint is not an absolute http or https URL; the message names <c>--otlp-endpoint</c>.</exception>
    public static MonitorOtlpOptions? Parse(string? endpoint, string? protocol)
    {
        if (endpoint is null)
        {
            return null;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"--otlp-endpoint {endpoint}: need an absolute http:// or https:// URL, such as http://localhost:4318.");
        }

        return new MonitorOtlpOptions
        {
            Endpoint = url,
            Protocol = protocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf,
            ServiceName = ServiceName,
        };
    }

    /// <summary>Starts the export.</summary>
    /// <param name="options">The exporter options.</param>
    /// <param name="errors">Where the first export failure is reported.</param>
    /// <returns>The running export; dispose it to send the last values.</returns>
    public static OtlpExport Start(MonitorOtlpOptions options, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        var url = options.ResolveEndpoint();
        var failures = new FailureListener(url, errors);
        return new OtlpExport(MonitorOtlpExporter.Start(options), failures, url);
    }

    /// <summary>Sends the last values and stops.</summary>
    public void Dispose()
    {
        _meters.Dispose();
        _failures.Dispose();
    }

    /// <summary>Reports the OTLP exporter's first error (a collector that cannot be reached) or warning on standard error.</summary>
    private sealed class FailureListener(Uri url, TextWriter errors) : EventListener
    {
        private const string SourceName = "OpenTelemetry-Exporter-OpenTelemetryProtocol";
        private int _reported;

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == SourceName)
            {
                EnableEvents(eventSource, EventLevel.Warning);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            // The base constructor enables sources before this instance's fields are set.
            if (url is null || eventData.EventSource.Name != SourceName || eventData.Level > EventLevel.Warning || Interlocked.Exchange(ref _reported, 1) == 1)
            {
                return;
            }

            var detail = eventData.Message is { } format && eventData.Payload is { } payload
                ? string.Format(System.Globalization.CultureInfo.InvariantCulture, format, [.. payload])
                : eventData.EventName;
            // The payload carries the exception with its stack trace: its first line says what happened.
            var firstLine = detail?.Split('\n', 2)[0].TrimEnd() ?? "no detail";
            var what = eventData.Level <= EventLevel.Error ? "exporting the metrics failed" : "the OTLP exporter warned";
            errors.WriteLine($"--otlp-endpoint {url}: {what} ({firstLine}). Training continues; further export failures and warnings are not shown.");
        }
    }
}
