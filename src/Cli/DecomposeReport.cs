using Spindle.Monitor.Decomposition;

namespace Spindle.Cli;

/// <summary>The outcome of decomposing one check.</summary>
/// <param name="Label">The input name(s).</param>
/// <param name="Check">The check: distributions, Z, fit, cancellation mass, intervals.</param>
/// <param name="Summary">The summary numbers (divided by Z when Z &gt; 0).</param>
/// <param name="Split">Ground truth from baselines, if any.</param>
/// <param name="Similarity">SIM (Eq. 11), if baselines were given.</param>
/// <param name="PngPath">The PNG written, if any.</param>
/// <param name="Warnings">
/// What the reader must know about the inputs (baseline provenance, no salient interaction), one sentence each;
/// printed on standard error. Fit and convergence warnings are not in this list (the tables print them).
/// </param>
internal sealed record DecomposeReport(
    string Label,
    Spindle.Monitor.Checks.CheckResult Check,
    DecompositionSummary Summary,
    GeneralizabilitySplit? Split,
    double? Similarity,
    string? PngPath,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Gets a value indicating whether τ leaves some interaction salient, so that the distributions are not all zero.</summary>
    public bool HasSalient => Check.Fit.Data.Positive.Any(v => v != 0) || Check.Fit.Data.Negative.Any(v => v != 0);

    /// <summary>Gets R² of the fit, or <see langword="null"/> when it is undefined (no salient interaction: nothing to explain).</summary>
    public double? RSquared => HasSalient ? Check.Fit.RSquared : null;

    /// <summary>Gets the fit.</summary>
    public DecompositionResult Result => Check.Fit;

    /// <summary>Gets the number of samples.</summary>
    public int SampleCount => Check.SampleCount;

    /// <summary>Gets τ.</summary>
    public double Tau => Check.Tau;

    /// <summary>Gets a value indicating whether Z &gt; 0, so that strengths are divided by Z.</summary>
    public bool Normalized => Check.Z > 0;
}
