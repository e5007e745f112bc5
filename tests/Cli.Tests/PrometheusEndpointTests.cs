using System.Net;
using System.Net.Sockets;
using Spindle.Trainers.Training;

namespace Spindle.Cli.Tests;

[NonParallelizable]
public class PrometheusEndpointTests
{
    [Test]
    public void Execute_MonitorWithMetricsPort_ServesTheChecksOverLoopbackDuringTraining()
    {
        var port = FreePort();
        var runFolder = Path.Combine(TestFolders.Create(), "scraped-run");
        var settings = new TrainSettings { Model = "cnn", Epochs = 1, Subset = 100, BatchSize = 50, Monitor = true };
        var scraper = new ScrapingCallback(new Uri($"http://127.0.0.1:{port}/metrics"));

        var code = TrainCommand.Execute("train", settings, runFolder, resume: false, [scraper], CancellationToken.None, port);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero);
            Assert.That(scraper.Body, Does.Contain("training_interaction_spindle_mass{").And.Contain("run_id=\"scraped-run\""));
            Assert.That(scraper.Body, Does.Contain("training_interaction_strength{").And.Contain("component=\"spindle\""));
            Assert.That(scraper.Body, Does.Contain("training_interaction_check_duration_seconds_bucket"));
            Assert.That(scraper.Body, Does.Contain("training_early_stopping_wait"));
        }

        Assert.That(() => new TcpClient().Connect(IPAddress.Loopback, port), Throws.InstanceOf<SocketException>(), "the endpoint stops with the run");
    }

    [Test]
    public void TryStart_PortTaken_ReturnsNullAndSaysTrainingContinues()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var errors = new StringWriter();

        using var endpoint = PrometheusEndpoint.TryStart(port, errors);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(endpoint, Is.Null);
            Assert.That(errors.ToString(), Does.Contain($"--metrics-port {port}").And.Contain("Training continues"));
        }
    }

    [Test]
    public void Describe_MonitoredRun_SaysWhereTheMetricsAreAndHowToOpenTheDashboard()
    {
        var port = FreePort();
        using var errors = new StringWriter();
        using var endpoint = PrometheusEndpoint.TryStart(port, errors);
        Assert.That(endpoint, Is.Not.Null, errors.ToString());

        var lines = endpoint!.Describe("cnn-20250101-000000", monitor: true);
        var unmonitored = endpoint.Describe("cnn-20250101-000000", monitor: false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(lines[0], Does.Contain($"http://127.0.0.1:{port}/metrics").And.Contain("run_id=\"cnn-20250101-000000\""));
            Assert.That(lines[1], Does.Contain(PrometheusEndpoint.DashboardUrl + "?var-run=cnn-20250101-000000").And.Contain("grafana/docker-compose.yml"));
            Assert.That(lines[1], Does.Contain($"add 127.0.0.1:{port} to the targets"), "a port the shipped configuration does not scrape is named");
            Assert.That(unmonitored, Has.Count.EqualTo(1));
            Assert.That(unmonitored[0], Does.Contain("--monitor"));
        }
    }

    [Test]
    public void Demo_MetricsPort_DefaultsToThePortTheShippedPrometheusConfigurationScrapes()
    {
        var demo = DemoCommand.Create();
        var option = demo.Options.Single(o => o.Name == "--metrics-port");
        var config = File.ReadAllText(Path.Combine(Grafana.GrafanaFiles.PrometheusFolder, "prometheus.yml"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(demo.Parse([]).GetValue((System.CommandLine.Option<int?>)option), Is.EqualTo(PrometheusEndpoint.DefaultPort));
            Assert.That(config, Does.Contain($"\"127.0.0.1:{PrometheusEndpoint.DefaultPort}\""));
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Scrapes the endpoint after each epoch (after the monitor's check, which runs before extra callbacks).</summary>
    private sealed class ScrapingCallback(Uri url) : TrainingCallback
    {
        public string Body { get; private set; } = string.Empty;

        public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
        {
            using var client = new HttpClient();
            Body = client.GetStringAsync(url).GetAwaiter().GetResult();
        }
    }
}
