namespace Spindle.Cli.Tests.Grafana;

/// <summary>The shipped Prometheus configuration and alert rules, checked and unit-tested with promtool.</summary>
public class PromtoolTests
{
    [TestCase("prometheus.yml")]
    [TestCase("prometheus-runs.yml")]
    public void CheckConfig_ShippedConfiguration_IsValidWithItsRuleFile(string file)
    {
        var (code, output) = PrometheusTools.RunPromtool(GrafanaFiles.PrometheusFolder, "check", "config", file);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero, output);
            Assert.That(output, Does.Contain("SUCCESS: 1 rule files found"), "the configuration loads the alert rules");
        }
    }

    [Test]
    public void CheckRules_ShippedAlertRules_AreValid()
    {
        var (code, output) = PrometheusTools.RunPromtool(GrafanaFiles.PrometheusFolder, "check", "rules", "rules/spindle-alerts.yml");
        Assert.That(code, Is.Zero, output);
    }

    [Test]
    public void TestRules_SpindleMassGrowing_FiresOnARisingSeriesAndNotOnFlatFallingOrNearZeroOnes()
    {
        var (code, output) = PrometheusTools.RunPromtool(GrafanaFiles.PrometheusFolder, "test", "rules", "tests/spindle-alerts-test.yml");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero, output);
            Assert.That(output, Does.Contain("SUCCESS"));
        }
    }

    [Test]
    public void TestRules_AlertThatNeverFires_FailsTheShippedRuleTest()
    {
        // The rule test must be able to fail: the same test file against a rule whose threshold the rising series
        // never reaches (20x its minimum) has to report the missing alert.
        var folder = Path.Combine(TestFolders.Create(), "prometheus");
        Directory.CreateDirectory(Path.Combine(folder, "rules"));
        Directory.CreateDirectory(Path.Combine(folder, "tests"));
        var rules = File.ReadAllText(GrafanaFiles.AlertRulesPath);
        Assert.That(rules, Does.Contain("> 2 * min_over_time("), "the rule's threshold as the shipped file writes it");
        File.WriteAllText(Path.Combine(folder, "rules", "spindle-alerts.yml"), rules.Replace("> 2 * min_over_time(", "> 20 * min_over_time(", StringComparison.Ordinal));
        File.Copy(Path.Combine(GrafanaFiles.PrometheusFolder, "tests", "spindle-alerts-test.yml"), Path.Combine(folder, "tests", "spindle-alerts-test.yml"));

        var (code, output) = PrometheusTools.RunPromtool(folder, "test", "rules", "tests/spindle-alerts-test.yml");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Not.Zero, output);
            Assert.That(output, Does.Contain("FAILED").And.Contain("run_id=\"rising\""));
        }
    }
}
