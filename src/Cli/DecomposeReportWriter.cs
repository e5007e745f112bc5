using System.Globalization;
using System.Text.Json;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Decomposition;

namespace Spindle.Cli;

/// <summary>Writes <c>spindle decompose</c> results as aligned tables or as JSON.</summary>
internal static class DecomposeReportWriter
{
    private const string FitWarning = "the fit is at a bound or poor";

    private const string ConvergenceWarning = "the extraction solver stopped at its iteration cap on some samples (objective not certified)";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,

        // Warnings hold τ, R² and quotes; a terminal or a file reads them as they are (this JSON never goes into HTML).
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes one table per check, then a one-line-per-check summary when there are several.</summary>
    /// <param name="reports">The checks.</param>
    /// <param name="output">The destination.</param>
    public static void WriteText(IReadOnlyList<DecomposeReport> reports, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (var report in reports)
        {
            var r = report.Result;
            var n = r.Data.VariableCount;
            var scale = report.Normalized ? report.Summary.Z : 1;
            output.WriteLine(string.Format(
                c,
                "{0}: n = {1}, {2} samples, tau = {3:G4}, Z = {4:G4}{5}",
                report.Label,
                n,
                report.SampleCount,
                report.Tau,
                report.Summary.Z,
                report.Normalized ? " (strengths below are divided by Z)" : " (no salient order-1 interaction: strengths are not normalised)"));
            var header = new List<string> { "m", "A+", "A-", "decay+", "decay-", "spindle+", "spindle-", "resid+", "resid-" };
            if (report.Split is not null)
            {
                header.AddRange(["gen+", "gen-", "non+", "non-"]);
            }

            output.WriteLine(string.Join(" ", header.Select((h, i) => i == 0 ? h.PadLeft(3) : h.PadLeft(9))));
            for (var i = 0; i < n; i++)
            {
                var values = new List<double>
                {
                    r.Data.Positive[i], r.Data.Negative[i], r.Decay.Positive[i], r.Decay.Negative[i],
                    r.Spindle.Positive[i], r.Spindle.Negative[i], r.ResidualPositive[i], r.ResidualNegative[i],
                };
                if (report.Split is { } split)
                {
                    values.AddRange([split.Generalizable.Positive[i], split.Generalizable.Negative[i], split.NonGeneralizable.Positive[i], split.NonGeneralizable.Negative[i]]);
                }

                output.WriteLine((i + 1).ToString(c).PadLeft(3) + " " + string.Join(" ", values.Select(v => Cell(v / scale))));
            }

            output.WriteLine(string.Format(
                c,
                r.Shape == DecayShape.NoiseOperator
                    ? "fit (noise-operator decay): alpha = {0:F4}, beta = {1:G4}, delta = {2:G4} (search {3:G3}..{4:G3}), gamma = {5:G4}, R^2 = {6}"
                    : "fit (monotone decay): alpha = {0:F4}, beta = {1:G4}, R^2 = {6}",
                r.Alpha,
                r.Beta,
                r.Delta,
                r.MinDelta,
                r.MaxDelta,
                r.Gamma,
                report.RSquared is { } r2 ? r2.ToString("F4", c) : "undefined (no salient interaction)"));
            if (r.Warnings != FitWarnings.None)
            {
                output.WriteLine($"warning: {FitWarning}: {r.Warnings}");
            }

            if (report.Check.AllConverged == false)
            {
                output.WriteLine($"warning: {ConvergenceWarning}");
            }

            output.WriteLine(string.Format(
                c,
                "summary{0}: spindle mass {1:F4}, decay mass {2:F4}, spindle share {3:F4}, residual mass {4:F4}, data mass {5:F4}",
                report.Normalized ? " (/Z)" : string.Empty,
                report.Summary.SpindleMass,
                report.Summary.DecayMass,
                report.Summary.SpindleShare,
                report.Summary.ResidualMass,
                report.Summary.DataMass));
            if (report.Check.CancellationMass is { } cancellation)
            {
                output.WriteLine(string.Format(c, "cancellation mass (/Z, no fit): {0:F4}", cancellation));
            }

            if (report.Check.Uncertainty is { } u)
            {
                output.WriteLine(string.Format(
                    c,
                    "{0:P0} bootstrap intervals over the {1} samples ({2} replicates): spindle {3}, decay {4}, share {5}, cancellation {6}",
                    u.ConfidenceLevel,
                    u.SampleCount,
                    u.ValidReplicates,
                    Range(u.Interval(CheckMetric.SpindleMass)),
                    Range(u.Interval(CheckMetric.DecayMass)),
                    Range(u.Interval(CheckMetric.SpindleShare)),
                    Range(u.Interval(CheckMetric.CancellationMass))));
            }

            if (report.Similarity is { } sim)
            {
                output.WriteLine(string.Format(c, "faithfulness: SIM = {0:F4} against the baseline models' A_gen / A_non (Eq. 11)", sim));
            }

            if (report.PngPath is not null)
            {
                output.WriteLine($"plot: {report.PngPath}");
            }

            output.WriteLine();
        }

        if (reports.Count > 1)
        {
            output.WriteLine($"{"check",-40} {"spindle",9} {"decay",9} {"share",7} {"resid",9} {"R^2",7}");
            foreach (var report in reports)
            {
                var s = report.Summary;
                output.WriteLine(string.Format(c, "{0,-40} {1,9:F4} {2,9:F4} {3,7:F3} {4,9:F4} {5,7}", Path.GetFileName(report.Label), s.SpindleMass, s.DecayMass, s.SpindleShare, s.ResidualMass, report.RSquared is { } r2 ? r2.ToString("F4", c) : "n/a"));
            }
        }
    }

    private static string Range(MetricInterval? interval) =>
        interval is null ? "n/a" : string.Format(CultureInfo.InvariantCulture, "[{0:F3}, {1:F3}]", interval.Lower, interval.Upper);

    private static string Cell(double value)
    {
        // Round first and add +0.0 so that tiny negatives print as 0.0000, not -0.0000.
        var rounded = Math.Round(value, 4) + 0.0;
        return rounded.ToString("F4", CultureInfo.InvariantCulture).PadLeft(9);
    }

    /// <summary>Every warning of a check as a sentence: the fit's, the solver's, then the report's own.</summary>
    private static List<string> AllWarnings(DecomposeReport report)
    {
        var warnings = new List<string>();
        if (report.Result.Warnings != FitWarnings.None)
        {
            warnings.Add($"{FitWarning}: {report.Result.Warnings}");
        }

        if (report.Check.AllConverged == false)
        {
            warnings.Add(ConvergenceWarning);
        }

        warnings.AddRange(report.Warnings);
        return warnings;
    }

    /// <summary>Writes all checks as one JSON object <c>{ "checks": [...] }</c>; strengths are divided by Z when <c>normalized</c> is true.</summary>
    /// <param name="reports">The checks.</param>
    /// <param name="output">The destination.</param>
    public static void WriteJson(IReadOnlyList<DecomposeReport> reports, TextWriter output)
    {
        var checks = reports.Select(report =>
        {
            var r = report.Result;
            var scale = report.Normalized ? report.Summary.Z : 1;
            double[] S(double[] values) => values.Select(v => v / scale).ToArray();
            return new
            {
                input = report.Label,
                variableCount = r.Data.VariableCount,
                samples = report.SampleCount,
                tau = report.Tau,
                z = report.Summary.Z,
                normalized = report.Normalized,
                decay = r.Shape == DecayShape.NoiseOperator ? "noise-operator" : "monotone",
                parameters = new { alpha = r.Alpha, beta = r.Beta, delta = r.Delta, minDelta = r.MinDelta, maxDelta = r.MaxDelta, gamma = r.Gamma },
                rSquared = report.RSquared,
                fitWarnings = r.Warnings.ToString(),
                warnings = AllWarnings(report),
                allConverged = report.Check.AllConverged,
                cancellationMass = report.Check.CancellationMass,
                intervals = report.Check.Uncertainty is { } u
                    ? new
                    {
                        level = u.ConfidenceLevel,
                        replicates = u.ValidReplicates,
                        spindleMass = u.Interval(CheckMetric.SpindleMass),
                        decayMass = u.Interval(CheckMetric.DecayMass),
                        spindleShare = u.Interval(CheckMetric.SpindleShare),
                        cancellationMass = u.Interval(CheckMetric.CancellationMass),
                    }
                    : null,
                summary = new
                {
                    spindleMass = report.Summary.SpindleMass,
                    decayMass = report.Summary.DecayMass,
                    spindleShare = report.Summary.SpindleShare,
                    residualMass = report.Summary.ResidualMass,
                    dataMass = report.Summary.DataMass,
                },
                orders = new
                {
                    positive = S(r.Data.Positive),
                    negative = S(r.Data.Negative),
                    decayPositive = S(r.Decay.Positive),
                    decayNegative = S(r.Decay.Negative),
                    spindlePositive = S(r.Spindle.Positive),
                    spindleNegative = S(r.Spindle.Negative),
                    residualPositive = S(r.ResidualPositive),
                    residualNegative = S(r.ResidualNegative),
                    generalizablePositive = report.Split is null ? null : S(report.Split.Generalizable.Positive),
                    generalizableNegative = report.Split is null ? null : S(report.Split.Generalizable.Negative),
                    nonGeneralizablePositive = report.Split is null ? null : S(report.Split.NonGeneralizable.Positive),
                    nonGeneralizableNegative = report.Split is null ? null : S(report.Split.NonGeneralizable.Negative),
                },
                similarity = report.Similarity,
                png = report.PngPath,
            };
        }).ToList();
        output.WriteLine(JsonSerializer.Serialize(new { checks }, JsonOptions));
    }
}
