using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Spindle.Cli.Tests.Grafana;

/// <summary>The dashboard JSON read as Grafana reads it: identity, data sources, targets, variables.</summary>
public class DashboardStructureTests
{
    private static readonly string[] QueryPanelTypes = ["timeseries", "heatmap", "barchart", "state-timeline", "stat"];

    [Test]
    public void Dashboard_Identity_FixedUidCurrentSchemaAndAPrometheusDatasourceVariable()
    {
        var dashboard = GrafanaFiles.LoadDashboard();
        var variables = dashboard["templating"]!["list"]!.AsArray().Cast<JsonObject>().ToList();
        var datasource = variables.SingleOrDefault(v => (string?)v["type"] == "datasource");
        var run = variables.SingleOrDefault(v => (string?)v["name"] == "run");
        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)dashboard["uid"], Is.EqualTo(GrafanaFiles.DashboardUid));
            Assert.That((int?)dashboard["schemaVersion"], Is.EqualTo(42));
            Assert.That(dashboard["id"], Is.Null, "a provisioned dashboard carries no database id");
            Assert.That((string?)datasource?["query"], Is.EqualTo("prometheus"));
            Assert.That((string?)run?["type"], Is.EqualTo("query"));
            Assert.That((string?)run?["datasource"]?["uid"], Is.EqualTo("${" + datasource?["name"] + "}"), "the run list comes from the chosen data source");
            Assert.That((bool?)run?["multi"], Is.True, "several runs can be compared");
        }
    }

    [Test]
    public void Panels_EachQueryPanel_HasTheDatasourceVariableAndTargetsWithExpressions()
    {
        var dashboard = GrafanaFiles.LoadDashboard();
        var panels = GrafanaFiles.Panels(dashboard).ToList();
        var problems = new List<string>();
        foreach (var panel in panels)
        {
            var title = (string?)panel["title"];
            var type = (string?)panel["type"];
            if (type == "row")
            {
                // A row only groups panels; it holds no query.
                if (panel["targets"] is not null || panel["datasource"] is not null)
                {
                    problems.Add($"row \"{title}\" has a query");
                }

                continue;
            }

            if (!QueryPanelTypes.Contains(type))
            {
                problems.Add($"panel \"{title}\" has type {type}, which this test does not know");
            }

            if ((string?)panel["datasource"]?["uid"] != "${datasource}" || (string?)panel["datasource"]?["type"] != "prometheus")
            {
                problems.Add($"panel \"{title}\" does not use the ${{datasource}} Prometheus data source");
            }

            var targets = panel["targets"]?.AsArray().Cast<JsonObject>().ToList() ?? [];
            if (targets.Count == 0)
            {
                problems.Add($"panel \"{title}\" has no targets");
            }

            foreach (var target in targets)
            {
                if (string.IsNullOrWhiteSpace((string?)target["expr"]))
                {
                    problems.Add($"panel \"{title}\" target {target["refId"]} has no expression");
                }

                if ((string?)target["datasource"]?["uid"] != "${datasource}")
                {
                    problems.Add($"panel \"{title}\" target {target["refId"]} does not use ${{datasource}}");
                }
            }

            if (targets.Select(t => (string?)t["refId"]).Distinct().Count() != targets.Count)
            {
                problems.Add($"panel \"{title}\" repeats a refId");
            }

            if (string.IsNullOrWhiteSpace((string?)panel["description"]))
            {
                problems.Add($"panel \"{title}\" has no description (what it shows)");
            }
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(problems, Is.Empty);
            Assert.That(panels.Select(p => (int?)p["id"]).Distinct().Count(), Is.EqualTo(panels.Count), "panel ids are unique");
            Assert.That(panels.Count(p => (string?)p["type"] != "row"), Is.GreaterThanOrEqualTo(10));
        }
    }

    [Test]
    public void Variables_EachOne_IsUsedOutsideItsOwnDefinition()
    {
        var dashboard = GrafanaFiles.LoadDashboard();
        var variables = dashboard["templating"]!["list"]!.AsArray().Cast<JsonObject>().Select(v => (string)v["name"]!).ToList();
        Assert.That(variables, Is.Not.Empty);
        foreach (var name in variables)
        {
            // The dashboard without the variable's own definition must still name it.
            var copy = dashboard.DeepClone().AsObject();
            var list = copy["templating"]!["list"]!.AsArray();
            list.Remove(list.Single(v => (string?)v!["name"] == name));
            var text = copy.ToJsonString();
            var reference = new Regex(@"\$" + name + @"\b|\$\{" + name + @"(:[^}]*)?\}|\[\[" + name + @"\]\]|""repeat"":""" + name + @"""");
            Assert.That(reference.IsMatch(text), Is.True, $"variable {name} is used nowhere");
        }
    }

    [Test]
    public void Queries_EachExpression_SelectsARunAndNamesKnownFunctionsOnly()
    {
        var dashboard = GrafanaFiles.LoadDashboard();
        var queries = GrafanaFiles.Queries(dashboard);
        Assert.That(queries, Has.Count.GreaterThanOrEqualTo(20));
        using (Assert.EnterMultipleScope())
        {
            foreach (var query in queries)
            {
                Assert.That(PromQlMetricNames.Extract(query.Expr), Is.Not.Empty, query.Where);
                Assert.That(query.Expr, Does.Contain("run_id=~\"$run\""), $"{query.Where}: filtered by the run variable");
            }

            Assert.That(queries.Count(q => q.Where.StartsWith("annotation", StringComparison.Ordinal)), Is.EqualTo(1), "the early stop is drawn as an annotation");
        }
    }
}
