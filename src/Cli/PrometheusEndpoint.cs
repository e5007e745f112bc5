using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Spindle.Cli;

/// <summary>
/// <c>--metrics-port P</c>: serves the <c>Spindle.Monitor</c> meter (the interaction monitor's checks) for Prometheus at
/// <c>http://127.0.0.1:P/metrics</c> while training runs, on loopback only.
/// </summary>
internal sealed class PrometheusEndpoint : IDisposable
{
    private readonly WebApplication _app;
    private readonly MeterProvider _meters;

    private PrometheusEndpoint(WebApplication app, MeterProvider meters, Uri url)
    {
        _app = app;
        _meters = meters;
        Url = url;
    }

    /// <summary>The port <c>spindle demo</c> serves on unless told, and the target of grafana/prometheus/prometheus.yml (the OpenTelemetry Prometheus exporter's usual port).</summary>
    public const int DefaultPort = 9464;

    /// <summary>The address of the dashboard that grafana/docker-compose.yml provisions (uid <c>spindle-monitor</c>).</summary>
    public const string DashboardUrl = "http://localhost:3000/d/spindle-monitor";

    /// <summary>Gets the scrape URL.</summary>
    public Uri Url { get; }

    /// <summary>Starts the endpoint, or says why it cannot and returns null (training goes on without it).</summary>
    /// <param name="port">The TCP port on 127.0.0.1.</param>
    /// <param name="errors">Where the reason goes when the port cannot be bound.</param>
    /// <returns>The running endpoint, or null.</returns>
    public static PrometheusEndpoint? TryStart(int port, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (port is < 1 or > 65535)
        {
            throw new ArgumentException($"--metrics-port must be a TCP port in 1-65535, got {port}.");
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var meters = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(resource => resource.AddService("spindle"))
            .AddTrainingMonitorInstrumentation()
            .AddPrometheusExporter()
            .Build();
        var app = builder.Build();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(meters, predicate: null, path: "/metrics", configureBranchedPipeline: null, optionsName: null);
        try
        {
            app.StartAsync().GetAwaiter().GetResult();
        }
        catch (IOException e)
        {
            errors.WriteLine($"--metrics-port {port}: cannot listen on 127.0.0.1:{port} ({e.Message}). Training continues without the metrics endpoint; choose a free port.");
            ((IDisposable)app).Dispose();
            meters.Dispose();
            return null;
        }

        return new PrometheusEndpoint(app, meters, new Uri($"http://127.0.0.1:{port}/metrics"));
    }

    /// <summary>Says where the metrics are served and how to see the run on the Grafana dashboard.</summary>
    /// <param name="runId">The run identifier (the <c>run_id</c> label; the run folder's name).</param>
    /// <param name="monitor">Whether the interaction monitor runs (without it only the endpoint exists).</param>
    /// <returns>The lines to print.</returns>
    public IReadOnlyList<string> Describe(string runId, bool monitor)
    {
        if (!monitor)
        {
            return [$"Metrics for Prometheus: {Url} (no monitor: give --monitor for the interaction metrics)"];
        }

        var port = Url.Port;
        var target = port == DefaultPort
            ? "grafana/prometheus/prometheus.yml scrapes this port"
            : $"add 127.0.0.1:{port} to the targets in grafana/prometheus/targets/runs.yml and use prometheus-runs.yml";
        return
        [
            $"Metrics for Prometheus: {Url} (run_id=\"{runId}\")",
            $"Dashboard: start Prometheus and Grafana (docker compose -f grafana/docker-compose.yml up -d, or see grafana/README.md; {target}), then open {DashboardUrl}?var-run={Uri.EscapeDataString(runId)}",
        ];
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _app.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)_app).Dispose();
        _meters.Dispose();
    }
}
