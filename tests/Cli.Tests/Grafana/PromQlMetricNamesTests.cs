namespace Spindle.Cli.Tests.Grafana;

public class PromQlMetricNamesTests
{
    [TestCase("up", "up")]
    [TestCase("training_loss{run_id=~\"$run\", split=\"test\"}", "training_loss")]
    [TestCase("rate(http_requests_total[5m] offset 1h)", "http_requests_total")]
    [TestCase("sum by (run_id, le) (increase(check_seconds_bucket{run_id=~\"a|b\"}[10m]))", "check_seconds_bucket")]
    [TestCase("sum(rate(a[1m])) without (instance) / on(job) group_left(x) b", "a b")]
    [TestCase("histogram_quantile(0.9, sum by (le) (rate(d_bucket[$__rate_interval])))", "d_bucket")]
    [TestCase("label_join(strength{run_id=~\"$run\"}, \"series\", \" \", \"component\", \"sign\")", "strength")]
    [TestCase("{__name__=\"by_name\", job=\"x\"}", "by_name")]
    [TestCase("{__name__=~\"regex.*\"}", "")]
    [TestCase("a > bool 2 * min_over_time(a[12h]) + 1e-3", "a")]
    [TestCase("abs(x) and y or z unless w", "w x y z")]
    [TestCase("count_values(\"value\", build_version)", "build_version")]
    [TestCase("topk(3, sum by (sum) (requests))", "requests")]
    [TestCase("sum_metric", "sum_metric")]
    [TestCase("time() - process_start_time_seconds @ end()", "process_start_time_seconds")]
    [TestCase("x # a comment naming not_a_metric\n+ y", "x y")]
    [TestCase("foo{label=\"say \\\"bar{}\\\"\"} + 0x1F - .5e+3", "foo")]
    [TestCase("training:ratio:5m / ignoring(split) other", "other training:ratio:5m")]
    public void Extract_Expression_ReturnsTheMetricNames(string expression, string expected)
    {
        var want = expected.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(PromQlMetricNames.Extract(expression), Is.EquivalentTo(want));
    }

    [TestCase("rat(x[5m])")]
    [TestCase("x{job=\"a\"")]
    [TestCase("x{job=a}")]
    [TestCase("sum(\"unclosed)")]
    public void Extract_BadExpression_Throws(string expression) =>
        Assert.That(() => PromQlMetricNames.Extract(expression), Throws.InstanceOf<FormatException>());
}
