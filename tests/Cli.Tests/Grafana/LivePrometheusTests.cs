using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Spindle.Cli.Tests.Grafana;

/// <summary>
/// A real Prometheus scrapes a real short training run (<c>spindle train --monitor --metrics-port P</c> in a child
/// process, on the embedded data) once a second; then every query of the dashboard and of the alert rules is run
/// through Prometheus' HTTP API, and the metric names they use are compared with what the run's endpoint served.
/// </summary>
[NonParallelizable]
public class LivePrometheusTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private readonly HashSet<string> _scrapedFamilies = new(StringComparer.Ordinal);
    private readonly StringBuilder _trainingOutput = new();
    private Process? _prometheus;
    private string _prometheusLog = string.Empty;
    private Uri _api = null!;
    private string _runId = null!;
    private double _start;
    private double _end;
    private double _lastCheck;

    [OneTimeSetUp]
    public void ScrapeAShortTrainingRun()
    {
        var prometheus = PrometheusTools.Require(PrometheusTools.Prometheus, "prometheus");
        var folder = TestFolders.Create();
        var metricsPort = FreePort();
        var webPort = FreePort();
        var config = Path.Combine(folder, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            rule_files:
              - "{GrafanaFiles.AlertRulesPath}"
            scrape_configs:
              - job_name: spindle
                static_configs:
                  - targets: ["127.0.0.1:{metricsPort}"]
            """);
        _prometheusLog = Path.Combine(folder, "prometheus.log");
        var start = new ProcessStartInfo(prometheus)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(folder, "data")}", $"--web.listen-address=127.0.0.1:{webPort}" })
        {
            start.ArgumentList.Add(argument);
        }

        _prometheus = Process.Start(start)!;
        var log = File.CreateText(_prometheusLog);
        log.AutoFlush = true;
        _prometheus.OutputDataReceived += (_, e) => Append(log, e.Data);
        _prometheus.ErrorDataReceived += (_, e) => Append(log, e.Data);
        _prometheus.BeginOutputReadLine();
        _prometheus.BeginErrorReadLine();
        _api = new Uri($"http://127.0.0.1:{webPort}/");
        WaitUntil(() => Get(new Uri(_api, "-/ready")) is not null, TimeSpan.FromSeconds(60), "Prometheus to be ready");

        _start = Now() - 1;
        var runs = Path.Combine(folder, "runs");
        var training = StartSpindle("train", "--model", "cnn", "--subset", "200", "--batch-size", "50", "--epochs", "8", "--seed", "1",
            "--threads", "1", "--monitor", "--monitor-budget", "0", "--metrics-port", metricsPort.ToString(CultureInfo.InvariantCulture), "--output", runs);
        var endpoint = new Uri($"http://127.0.0.1:{metricsPort}/metrics");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        while (!training.WaitForExit(500))
        {
            if (Get(endpoint) is { } body)
            {
                foreach (var line in body.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)))
                {
                    var parts = line.Split(' ');
                    _scrapedFamilies.Add(parts[2]);
                    if (parts[3] == "histogram")
                    {
                        _scrapedFamilies.UnionWith([parts[2] + "_bucket", parts[2] + "_sum", parts[2] + "_count"]);
                    }
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                training.Kill(entireProcessTree: true);
                Assert.Fail($"spindle train ran over 4 minutes:\n{_trainingOutput}");
            }
        }

        training.WaitForExit();
        Assert.That(training.ExitCode, Is.Zero, $"spindle train failed:\n{_trainingOutput}");
        _end = Now() + 1;
        _runId = Path.GetFileName(Directory.GetDirectories(runs).Single());
        Assert.That(_trainingOutput.ToString(), Does.Contain($"http://127.0.0.1:{metricsPort}/metrics").And.Contain($"?var-run={_runId}"), "train says where its metrics are and how to open the dashboard");

        // The time of the last check Prometheus saw: instant queries (the latest decomposition) are asked there,
        // because after the run the endpoint is gone and its series are stale.
        var checks = RangeValues($"training_interaction_check_epoch{{run_id=\"{_runId}\"}}");
        Assert.That(checks, Has.Count.GreaterThanOrEqualTo(2), $"Prometheus scraped at least two checks of run {_runId}; its log: {_prometheusLog}");
        _lastCheck = checks.Max(v => v.Time);
    }

    [OneTimeTearDown]
    public void StopPrometheus()
    {
        if (_prometheus is { HasExited: false })
        {
            _prometheus.Kill(entireProcessTree: true);
            _prometheus.WaitForExit(10_000);
        }

        _prometheus?.Dispose();
    }

    [Test]
    public void DashboardQueries_OverTheRun_EachReturnsFiniteData()
    {
        var failures = new List<string>();
        foreach (var query in GrafanaFiles.Queries(GrafanaFiles.LoadDashboard()))
        {
            var expr = GrafanaFiles.Interpolate(query.Expr, _runId);
            var values = query.Instant ? InstantValues(expr, _lastCheck) : RangeValues(expr);
            if (!values.Any(v => double.IsFinite(v.Value)))
            {
                failures.Add($"{query.Where}: {expr} returned {values.Count} values, none finite");
            }
        }

        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void VariableQueries_LabelValues_ListTheRun()
    {
        foreach (var (variable, metric, label) in GrafanaFiles.VariableQueries(GrafanaFiles.LoadDashboard()))
        {
            // What Grafana asks for label_values(metric, label).
            var url = new Uri(_api, $"api/v1/label/{label}/values?match[]={Uri.EscapeDataString(metric)}&start={Format(_start)}&end={Format(_end)}");
            var values = JsonNode.Parse(Get(url) ?? "{}")?["data"]?.AsArray().Select(v => (string?)v).ToList();
            Assert.That(values, Does.Contain(_runId), $"variable {variable}");
        }
    }

    [Test]
    public void AlertRules_LoadedByPrometheus_EvaluateWithoutErrorOnTheRun()
    {
        var rules = JsonNode.Parse(Get(new Uri(_api, "api/v1/rules")) ?? "{}")!["data"]!["groups"]!.AsArray()
            .SelectMany(g => g!["rules"]!.AsArray()).Cast<JsonObject>().ToList();
        var shipped = GrafanaFiles.RuleExpressions();
        Assert.That(shipped, Is.Not.Empty);
        using (Assert.EnterMultipleScope())
        {
            foreach (var (name, _) in shipped)
            {
                var rule = rules.SingleOrDefault(r => (string?)r["name"] == name);
                Assert.That((string?)rule?["health"], Is.EqualTo("ok"), $"rule {name}: {rule?["lastError"]}");
            }
        }
    }

    [Test]
    public void AlertRules_ExpressionWithItsComparisonAsBool_ReturnsFiniteDataOverTheRun()
    {
        // An alert's expression is empty while it does not fire; with "bool" the comparison returns 0 or 1 for every
        // series it compares, so an empty answer can only mean that a selector matches nothing the run exported.
        using (Assert.EnterMultipleScope())
        {
            foreach (var (name, expr) in GrafanaFiles.RuleExpressions())
            {
                var asBool = WithBool(expr);
                var values = RangeValues(asBool);
                Assert.That(values.Where(v => double.IsFinite(v.Value)), Is.Not.Empty, $"rule {name}: {asBool}");
                Assert.That(values.Select(v => v.Value), Is.All.EqualTo(0).Or.EqualTo(1), $"rule {name}: {asBool}");
            }
        }
    }

    [Test]
    public void DashboardAndRules_NameOnlyMetricsTheRunServed()
    {
        var dashboard = GrafanaFiles.LoadDashboard();
        var used = GrafanaFiles.Queries(dashboard).Select(q => (q.Where, q.Expr))
            .Concat(GrafanaFiles.RuleExpressions().Select(r => (Where: $"rule {r.Rule}", r.Expr)))
            .SelectMany(q => PromQlMetricNames.Extract(q.Expr).Select(name => (q.Where, Name: name)))
            .Concat(GrafanaFiles.VariableQueries(dashboard).Select(v => (Where: $"variable {v.Variable}", Name: v.Metric)))
            .ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_scrapedFamilies, Does.Contain("training_interaction_spindle_mass"), "the endpoint was scraped during the run");
            Assert.That(used, Is.Not.Empty);
            Assert.That(used.Where(u => !_scrapedFamilies.Contains(u.Name)).Select(u => $"{u.Where}: {u.Name}"), Is.Empty,
                $"served: {string.Join(", ", _scrapedFamilies.Order(StringComparer.Ordinal))}");
        }
    }

    [Test]
    public void Dashboard_ShowsEveryTrainingMetricTheRunServed()
    {
        var used = GrafanaFiles.Queries(GrafanaFiles.LoadDashboard()).SelectMany(q => PromQlMetricNames.Extract(q.Expr)).ToHashSet(StringComparer.Ordinal);
        var families = _scrapedFamilies.Where(f => f.StartsWith("training_", StringComparison.Ordinal))
            .Where(f => !f.EndsWith("_bucket", StringComparison.Ordinal) && !f.EndsWith("_sum", StringComparison.Ordinal) && !f.EndsWith("_count", StringComparison.Ordinal))
            .ToList();
        Assert.That(families, Has.Count.GreaterThanOrEqualTo(15));
        Assert.That(families.Where(f => !used.Contains(f) && !used.Any(u => u.StartsWith(f + "_", StringComparison.Ordinal))), Is.Empty);
    }

    [Test]
    public void ScrapedSeries_EveryTrainingSeries_CarriesTheRunId()
    {
        var without = InstantValues("count by (__name__) ({job=\"spindle\", __name__=~\"training_.*\", run_id=\"\"})", _lastCheck);
        var with = InstantValues($"count by (__name__) ({{job=\"spindle\", __name__=~\"training_.*\", run_id=\"{_runId}\"}})", _lastCheck);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(without, Is.Empty, "series without run_id");
            Assert.That(with, Has.Count.GreaterThanOrEqualTo(15), "metric names with the run's id");
        }
    }

    /// <summary>Turns the one top-level comparison of <paramref name="expr"/> into a <c>bool</c> comparison.</summary>
    internal static string WithBool(string expr)
    {
        var depth = 0;
        var positions = new List<int>();
        for (var i = 0; i < expr.Length; i++)
        {
            var c = expr[i];
            if (c is '"' or '\'' or '`')
            {
                i = expr.IndexOf(c, i + 1);
                continue;
            }

            depth += c switch { '(' or '{' or '[' => 1, ')' or '}' or ']' => -1, _ => 0 };
            if (depth != 0)
            {
                continue;
            }

            if (c is '>' or '<' || (c is '=' or '!' && i + 1 < expr.Length && expr[i + 1] == '='))
            {
                var end = i + 1 < expr.Length && expr[i + 1] == '=' ? i + 2 : i + 1;
                positions.Add(end);
                i = end - 1;
            }
        }

        Assert.That(positions, Has.Count.EqualTo(1), $"one top-level comparison in {expr}");
        return expr[..positions[0]] + " bool" + expr[positions[0]..];
    }

    private static void Append(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private static string Format(double time) => time.ToString("F3", CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? Get(Uri url)
    {
        try
        {
            using var response = Http.GetAsync(url).GetAwaiter().GetResult();
            return response.IsSuccessStatusCode ? response.Content.ReadAsStringAsync().GetAwaiter().GetResult() : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting for {what}.");
            }

            Thread.Sleep(250);
        }
    }

    private Process StartSpindle(params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(TestContext.CurrentContext.TestDirectory, "spindle.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => AppendOutput(e.Data);
        process.ErrorDataReceived += (_, e) => AppendOutput(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void AppendOutput(string? line)
    {
        if (line is not null)
        {
            lock (_trainingOutput)
            {
                _trainingOutput.AppendLine(line);
            }
        }
    }

    private List<(double Time, double Value)> RangeValues(string expr)
    {
        var url = new Uri(_api, $"api/v1/query_range?query={Uri.EscapeDataString(expr)}&start={Format(_start)}&end={Format(_end)}&step=1");
        return Values(expr, Get(url), "values");
    }

    private List<(double Time, double Value)> InstantValues(string expr, double time)
    {
        var url = new Uri(_api, $"api/v1/query?query={Uri.EscapeDataString(expr)}&time={Format(time)}");
        return Values(expr, Get(url), "value");
    }

    private static double ParseSample(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };

    private static List<(double Time, double Value)> Values(string expr, string? body, string field)
    {
        var response = JsonNode.Parse(body ?? throw new AssertionException($"Prometheus refused the query {expr}"))!;
        Assert.That((string?)response["status"], Is.EqualTo("success"), $"{expr}: {body}");
        var values = new List<(double, double)>();
        foreach (var series in response["data"]!["result"]!.AsArray())
        {
            var points = field == "values" ? series![field]!.AsArray().Select(p => p!.AsArray()) : [series![field]!.AsArray()];
            foreach (var point in points)
            {
                values.Add(((double)point[0]!, ParseSample((string)point[1]!)));
            }
        }

        return values;
    }
}
