using OpenTelemetry.Exporter;
using Spindle.Monitor.Metrics;
using Spindle.Monitor.Monitoring;

namespace Spindle.Cli.Tests;

/// <summary>
/// <c>--otlp-endpoint</c>: a real training run with the monitor sends its metrics over OTLP/HTTP (protobuf) to a receiver
/// on loopback, which decodes them; the values are compared with the run's own <c>monitor.jsonl</c>.
/// </summary>
[NonParallelizable]
public class OtlpExportTests
{
    /// <summary>The instruments every check records (<see cref="MonitorMetrics"/>), with their units.</summary>
    private static readonly (string Name, string Unit)[] CheckInstruments =
    [
        ("training.interaction.spindle_mass", "1"),
        ("training.interaction.decay_mass", "1"),
        ("training.interaction.spindle_share", "1"),
        ("training.interaction.cancellation_mass", "1"),
        ("training.interaction.residual_mass", "1"),
        ("training.interaction.strength", "1"),
        ("training.interaction.check.epoch", "{epoch}"),
        ("training.interaction.check.duration", "s"),
        ("training.early_stopping.signal", "1"),
        // training.early_stopping.threshold is published once the rule defines one: the default slope rule after 7
        // checks, more than these runs make (LivePrometheusTests' 8-epoch run covers it).
        ("training.early_stopping.wait", "{check}"),
        ("training.early_stopping.stopped", "1"),
    ];

    private static readonly string[] MetricsPath = ["/v1/metrics"];
    private static readonly string[] Protobuf = ["application/x-protobuf"];
    private static readonly string[] Signs = ["positive", "negative"];
    private static readonly string[] Grpc = ["application/grpc"];

    [Test]
    public void Execute_OtlpEndpoint_CollectorReceivesEachCheckMetricWithTheRunIdAndTheLoggedValues()
    {
        using var receiver = new OtlpReceiver();
        var runFolder = Path.Combine(TestFolders.Create(), "otlp-run");
        var (code, output) = Train(runFolder, OtlpExport.Parse(receiver.BaseUrl.ToString(), "http-protobuf")!);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero, output);
            Assert.That(output, Does.Contain($"Metrics to the OTLP collector: {receiver.BaseUrl}v1/metrics"));
            Assert.That(receiver.Requests, Is.Not.Empty);
            Assert.That(receiver.Requests.Select(r => r.Path).Distinct(), Is.EqualTo(MetricsPath), "a base URL gets the signal path");
            Assert.That(receiver.Requests.Select(r => r.ContentType).Distinct(), Is.EqualTo(Protobuf));
            AssertRunMetrics(receiver.Points(), receiver.Resources(), runFolder);
        }
    }

    [Test]
    public void Execute_OtlpGrpc_CollectorReceivesTheSameMetricsOverHttp2()
    {
        using var receiver = new OtlpGrpcReceiver();
        var runFolder = Path.Combine(TestFolders.Create(), "otlp-grpc-run");
        var (code, output) = Train(runFolder, OtlpExport.Parse(receiver.BaseUrl.ToString(), "grpc")!);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero, output);
            Assert.That(receiver.Requests, Is.Not.Empty);
            Assert.That(receiver.Requests.Select(r => (r.Path, r.Protocol)).Distinct(), Is.EqualTo(new[] { (OtlpGrpcReceiver.ExportPath, "HTTP/2") }));
            Assert.That(receiver.Requests.Select(r => r.ContentType).Distinct(), Is.EqualTo(Grpc));
            AssertRunMetrics(receiver.Points(), receiver.Resources(), runFolder);
        }
    }

    /// <summary>Every instrument a check records arrived with its unit and scope, tagged with the run's identifier (its folder name), and the newest values are the last logged check's.</summary>
    private static void AssertRunMetrics(IReadOnlyList<OtlpPoint> received, IReadOnlyList<IReadOnlyDictionary<string, string>> resources, string runFolder)
    {
        var runId = Path.GetFileName(runFolder);
        var points = received.Where(p => p.Attributes.GetValueOrDefault(MonitorMetrics.RunIdAttribute) == runId).ToList();
        var last = InteractionMonitor.ReadLog(Path.Combine(runFolder, InteractionMonitor.LogFileName))[^1];
        double Newest(string name) => points.Last(p => p.Name == name).Value;
        Assert.That(resources.Select(r => r.GetValueOrDefault("service.name")).Distinct(), Is.EqualTo(new[] { OtlpExport.ServiceName }));
        foreach (var (name, unit) in CheckInstruments)
        {
            Assert.That(points.Where(p => p.Name == name).Select(p => (p.Scope, p.Unit)).Distinct(), Is.EqualTo(new[] { (MonitorMetrics.MeterName, unit) }), name);
        }

        // Disposing the exporter at the end of the run sent the last values, and doubles travel as fixed64: the newest
        // point of each series is the last check's logged value, exactly.
        Assert.That(Newest("training.interaction.spindle_mass"), Is.EqualTo((double)last["check"]!["summary"]!["SpindleMass"]!));
        Assert.That(Newest("training.interaction.decay_mass"), Is.EqualTo((double)last["check"]!["summary"]!["DecayMass"]!));
        Assert.That(Newest("training.interaction.cancellation_mass"), Is.EqualTo((double)last["check"]!["cancellationMass"]!));
        Assert.That(Newest("training.interaction.check.epoch"), Is.EqualTo(2));
        Assert.That(points.Last(p => p.Name == "training.interaction.check.duration").Count, Is.EqualTo(2), "the cumulative histogram holds both checks");
        var strengths = points.Where(p => p.Name == "training.interaction.strength").Select(p => p.Attributes).ToList();
        Assert.That(strengths.Select(a => a.GetValueOrDefault("sign")).Distinct(), Is.EquivalentTo(Signs));
    }

    /// <summary>Two epochs of a small MLP with the monitor and the export.</summary>
    private static (int Code, string Output) Train(string runFolder, MonitorOtlpOptions otlp)
    {
        var settings = new TrainSettings { Model = "mlp", Epochs = 2, Subset = 100, BatchSize = 50, Seed = 4, Monitor = true, MonitorBudget = null, Threads = 1 };
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        try
        {
            return (TrainCommand.Execute("train", settings, runFolder, resume: false, [], CancellationToken.None, otlp: otlp), output.ToString());
        }
        finally
        {
            Console.SetOut(previous);
        }
    }

    [Test]
    public void Execute_OtlpCollectorDown_SaysSoOnceAndTrainingSucceeds()
    {
        int port;
        using (var receiver = new OtlpReceiver())
        {
            port = receiver.Port;
        }

        var runFolder = Path.Combine(TestFolders.Create(), "otlp-down");
        var settings = new TrainSettings { Model = "mlp", Epochs = 1, Subset = 100, BatchSize = 50, Monitor = true, MonitorBudget = null, Threads = 1 };
        var errors = new StringWriter();
        var previousOut = Console.Out;
        var previousError = Console.Error;
        Console.SetOut(TextWriter.Null);
        Console.SetError(errors);
        int code;
        try
        {
            code = TrainCommand.Execute("train", settings, runFolder, resume: false, [], CancellationToken.None, otlp: OtlpExport.Parse($"http://127.0.0.1:{port}", "http-protobuf"));
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
        }

        var text = errors.ToString();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero, text);
            Assert.That(text, Does.Contain($"--otlp-endpoint http://127.0.0.1:{port}/v1/metrics: exporting the metrics failed").And.Contain("Training continues"));
            Assert.That(text.Split('\n').Count(l => l.Contains("--otlp-endpoint", StringComparison.Ordinal)), Is.EqualTo(1), "reported once");
            Assert.That(text, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(File.Exists(Path.Combine(runFolder, InteractionMonitor.LogFileName)), Is.True);
        }
    }

    [TestCase("localhost:4318")]
    [TestCase("ftp://collector:4318")]
    [TestCase("/v1/metrics")]
    public void Parse_NotAnHttpUrl_NamesTheOption(string endpoint) =>
        Assert.That(() => OtlpExport.Parse(endpoint, "http-protobuf"), Throws.ArgumentException.With.Message.Contains("--otlp-endpoint " + endpoint));

    [TestCase("http://localhost:4318", "http-protobuf", "http://localhost:4318/v1/metrics")]
    [TestCase("http://localhost:4318/", "http-protobuf", "http://localhost:4318/v1/metrics")]
    [TestCase("https://collector.example/otlp/v1/metrics", "http-protobuf", "https://collector.example/otlp/v1/metrics")]
    [TestCase("http://localhost:4317", "grpc", "http://localhost:4317/")]
    public void ResolveEndpoint_BaseOrFullUrl_AddsTheSignalPathOnlyToABareHttpBase(string endpoint, string protocol, string expected)
    {
        var options = OtlpExport.Parse(endpoint, protocol)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.ResolveEndpoint().ToString(), Is.EqualTo(expected));
            Assert.That(options.Protocol, Is.EqualTo(protocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf));
        }
    }

    [Test]
    public void Start_OptionsWithoutEndpoint_Throws() =>
        Assert.That(() => MonitorOtlpExporter.Start(new MonitorOtlpOptions()), Throws.ArgumentException.With.Message.Contains("absolute http://"));
}
