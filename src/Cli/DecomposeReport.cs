using Spindle.Monitor.Decomposition;

namespace Spindle.Cli;

/// <summary>The outcome of decomposing one check.</summary>
/// <param name="Label">The input name(s).</param>
/// <param name="Check">The check: distributions, Z, fit, cancellation mass, intervals.</param>
/// <param name="Summary">The summary numbers (divided by Z when Z &gt; 0).</param>
/// <param name="Split">Ground truth from baselines, if any.</param>
/// <param name="Similarity">SIM (Eq. 11), if baselines were given.</param>
/// <param name="PngPath">The PNG written, if any.</param>
internal sealed record DecomposeReport(
    string Label,
    Spindle.Monitor.Checks.CheckResult Check,
    DecompositionSummary Summary,
    GeneralizabilitySplit? Split,
    double? Similarity,
    string? PngPath)
{
    /// <summary>Gets the fit.</summary>
    public DecompositionResult Result => Check.Fit;

    /// <summary>Gets the number of samples.</summary>
    public int SampleCount => Check.SampleCount;

    /// <summary>Gets τ.</summary>
    public double Tau => Check.Tau;

    /// <summary>Gets a value indicating whether Z &gt; 0, so that strengths are divided by Z.</summary>
    public bool Normalized => Check.Z > 0;
}
