using System.Globalization;
using Spindle.Monitor.Checks;

namespace Spindle.Cli;

/// <summary>
/// Checks that a baseline extraction of <c>spindle decompose --baseline</c> was made on the target's samples,
/// variables and masking, as far as the two files' provenance records them.
/// </summary>
internal static class BaselineProvenance
{
    /// <summary>Compares the provenance of a target and a baseline extraction.</summary>
    /// <param name="targetLabel">The target file.</param>
    /// <param name="target">The target's provenance, or <see langword="null"/> when the file records none.</param>
    /// <param name="baselineLabel">The baseline file.</param>
    /// <param name="baseline">The baseline's provenance, or <see langword="null"/> when the file records none.</param>
    /// <param name="warnings">Receives a warning for each thing that could not be compared.</param>
    /// <exception cref="InvalidDataException">The two disagree on split, sample indices, variables, variable seed or masking.</exception>
    public static void Check(string targetLabel, CheckProvenance? target, string baselineLabel, CheckProvenance? baseline, List<string> warnings)
    {
        if (target is null || baseline is null)
        {
            var missing = string.Join(" and ", new[] { (target, targetLabel), (baseline, baselineLabel) }.Where(x => x.Item1 is null).Select(x => x.Item2));
            warnings.Add($"{missing} record{(target is null && baseline is null ? string.Empty : "s")} no provenance, so nothing shows that the baseline {baselineLabel} was extracted on the same samples, variables and masking as {targetLabel}; extract both with 'spindle extract --run' to have it checked.");
            return;
        }

        var fields = new (string Name, string? Target, string? Baseline)[]
        {
            ("split", target.Split, baseline.Split),
            ("sample indices", Indices(target.SampleIndices), Indices(baseline.SampleIndices)),
            ("variables", target.Variables, baseline.Variables),
            ("variable seed", target.VariableSeed?.ToString(CultureInfo.InvariantCulture), baseline.VariableSeed?.ToString(CultureInfo.InvariantCulture)),
            ("masking", target.Masking, baseline.Masking),
        };
        var disagreements = new List<string>();
        foreach (var (name, t, b) in fields)
        {
            if (t is null && b is null)
            {
                continue;
            }

            if (t is null || b is null)
            {
                warnings.Add($"only {(t is null ? baselineLabel : targetLabel)} records the {name} ({t ?? b}); it is not compared.");
                continue;
            }

            if (t != b)
            {
                disagreements.Add($"{name} {b} against the target's {t}");
            }
        }

        if (disagreements.Count > 0)
        {
            throw new InvalidDataException(
                $"{baselineLabel}: the baseline was not extracted like the target {targetLabel}: {string.Join("; ", disagreements)}. "
                + "A baseline must be extracted on the same samples, variables and masking (the same --split, --samples, --variables, --grid, --on and --seed of 'spindle extract').");
        }
    }

    private static string? Indices(IReadOnlyList<int>? indices) =>
        indices is null ? null : "[" + string.Join(", ", indices.Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]";
}
