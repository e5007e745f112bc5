using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Spindle.Cli.Tests.Grafana;

/// <summary>The shipped files under grafana/ and the PromQL expressions they hold.</summary>
internal static partial class GrafanaFiles
{
    /// <summary>The uid the dashboard is provisioned and linked under (spindle demo prints it).</summary>
    public const string DashboardUid = "spindle-monitor";

    /// <summary>Gets the repository's grafana folder.</summary>
    public static string Folder { get; } = FindFolder();

    public static string DashboardPath => Path.Combine(Folder, "dashboards", "spindle-monitor.json");

    public static string PrometheusFolder => Path.Combine(Folder, "prometheus");

    public static string AlertRulesPath => Path.Combine(PrometheusFolder, "rules", "spindle-alerts.yml");

    public static JsonObject LoadDashboard() => (JsonObject)JsonNode.Parse(File.ReadAllText(DashboardPath))!;

    /// <summary>Every panel, those inside collapsed rows included.</summary>
    public static IEnumerable<JsonObject> Panels(JsonObject dashboard)
    {
        foreach (var panel in dashboard["panels"]!.AsArray().Cast<JsonObject>())
        {
            yield return panel;
            if (panel["panels"] is JsonArray nested)
            {
                foreach (var inner in nested.Cast<JsonObject>())
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>Every PromQL expression of the dashboard: panel targets and Prometheus annotations.</summary>
    public static IReadOnlyList<DashboardQuery> Queries(JsonObject dashboard)
    {
        var queries = new List<DashboardQuery>();
        foreach (var panel in Panels(dashboard))
        {
            foreach (var target in panel["targets"]?.AsArray().Cast<JsonObject>() ?? [])
            {
                queries.Add(new DashboardQuery($"panel \"{panel["title"]}\" target {target["refId"]}", (string)target["expr"]!, (bool?)target["instant"] == true && (bool?)target["range"] != true));
            }
        }

        foreach (var annotation in dashboard["annotations"]!["list"]!.AsArray().Cast<JsonObject>())
        {
            if ((string?)annotation["datasource"]?["type"] == "prometheus")
            {
                queries.Add(new DashboardQuery($"annotation \"{annotation["name"]}\"", (string?)annotation["target"]?["expr"] ?? (string)annotation["expr"]!, Instant: false));
            }
        }

        return queries;
    }

    /// <summary>The <c>label_values(metric, label)</c> queries of the dashboard's query variables.</summary>
    public static IReadOnlyList<(string Variable, string Metric, string Label)> VariableQueries(JsonObject dashboard)
    {
        var result = new List<(string, string, string)>();
        foreach (var variable in dashboard["templating"]!["list"]!.AsArray().Cast<JsonObject>().Where(v => (string?)v["type"] == "query"))
        {
            var query = variable["query"] is JsonObject o ? (string)o["query"]! : (string)variable["query"]!;
            var match = LabelValues().Match(query);
            if (!match.Success)
            {
                throw new FormatException($"Variable {variable["name"]}: only label_values(metric, label) queries are checked, got \"{query}\".");
            }

            result.Add(((string)variable["name"]!, match.Groups[1].Value, match.Groups[2].Value));
        }

        return result;
    }

    /// <summary>The alert and recording rules' expressions (one "expr:" line each, as the shipped file writes them).</summary>
    public static IReadOnlyList<(string Rule, string Expr)> RuleExpressions()
    {
        var rules = new List<(string, string)>();
        string? name = null;
        foreach (var line in File.ReadLines(AlertRulesPath))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("- alert:", StringComparison.Ordinal) || trimmed.StartsWith("- record:", StringComparison.Ordinal))
            {
                name = trimmed[(trimmed.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            }
            else if (trimmed.StartsWith("expr:", StringComparison.Ordinal))
            {
                var expr = trimmed["expr:".Length..].Trim();
                if (expr is "|" or ">" or "|-" or ">-" or "")
                {
                    throw new FormatException($"{AlertRulesPath}: rule {name} has a multi-line expr; keep each expr on its line.");
                }

                rules.Add((name ?? throw new FormatException($"{AlertRulesPath}: an expr before any rule name."), expr));
            }
        }

        return rules;
    }

    /// <summary>Replaces the dashboard's variables and Grafana's macros the way Grafana does before it sends a query.</summary>
    public static string Interpolate(string expr, string runId)
    {
        var value = Regex.Escape(runId);
        var result = expr.Replace("${run}", value, StringComparison.Ordinal).Replace("$run", value, StringComparison.Ordinal);
        return result.Contains('$', StringComparison.Ordinal)
            ? throw new FormatException($"\"{expr}\" uses a variable or macro the test does not know how to replace.")
            : result;
    }

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Monitor.sln")))
            {
                return Path.Combine(dir.FullName, "grafana");
            }
        }

        throw new DirectoryNotFoundException($"No Monitor.sln above {TestContext.CurrentContext.TestDirectory}.");
    }

    [GeneratedRegex(@"^\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$")]
    private static partial Regex LabelValues();
}

/// <summary>One PromQL expression of the dashboard and where it is.</summary>
internal sealed record DashboardQuery(string Where, string Expr, bool Instant);
