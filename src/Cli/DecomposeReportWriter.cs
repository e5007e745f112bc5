using System.Globalization;
using System.Text.Json;

namespace Spindle.Cli;

/// <summary>Writes <c>spindle decompose</c> results as aligned tables or as JSON.</summary>
internal static class DecomposeReportWriter
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

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
                "fit: alpha = {0:F4}, beta = {1:G4}, delta = {2:G4} (min {3:G3}), gamma = {4:G4}, R^2 = {5:F4}",
                r.Alpha,
                r.Beta,
                r.Delta,
                report.MinDelta,
                r.Gamma,
                r.RSquared));
            output.WriteLine(string.Format(
                c,
                "summary{0}: spindle mass {1:F4}, decay mass {2:F4}, spindle share {3:F4}, residual mass {4:F4}, data mass {5:F4}",
                report.Normalized ? " (/Z)" : string.Empty,
                report.Summary.SpindleMass,
                report.Summary.DecayMass,
                report.Summary.SpindleShare,
                report.Summary.ResidualMass,
                report.Summary.DataMass));
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
                output.WriteLine(string.Format(c, "{0,-40} {1,9:F4} {2,9:F4} {3,7:F3} {4,9:F4} {5,7:F4}", Path.GetFileName(report.Label), s.SpindleMass, s.DecayMass, s.SpindleShare, s.ResidualMass, s.RSquared));
            }
        }
    }

    private static string Cell(double value)
    {
        // Round first and add +0.0 so that tiny negatives print as 0.0000, not -0.0000.
        var rounded = Math.Round(value, 4) + 0.0;
        return rounded.ToString("F4", CultureInfo.InvariantCulture).PadLeft(9);
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
                parameters = new { alpha = r.Alpha, beta = r.Beta, delta = r.Delta, minDelta = report.MinDelta, gamma = r.Gamma },
                rSquared = r.RSquared,
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
