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
