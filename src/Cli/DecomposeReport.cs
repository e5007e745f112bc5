using Spindle.Monitor.Decomposition;

namespace Spindle.Cli;

/// <summary>The outcome of decomposing one check.</summary>
/// <param name="Label">The input name(s).</param>
/// <param name="SampleCount">Number of samples.</param>
/// <param name="Tau">The salience threshold τ.</param>
/// <param name="Normalized">Whether values are divided by Z (false when Z is zero).</param>
/// <param name="MinDelta">The smallest δ the fit allowed.</param>
/// <param name="Result">The fit.</param>
/// <param name="Summary">The summary numbers.</param>
/// <param name="Split">Ground truth from baselines, if any.</param>
/// <param name="Similarity">SIM (Eq. 11), if baselines were given.</param>
/// <param name="PngPath">The PNG written, if any.</param>
internal sealed record DecomposeReport(
    string Label,
    int SampleCount,
    double Tau,
    bool Normalized,
    double MinDelta,
    DecompositionResult Result,
    DecompositionSummary Summary,
    GeneralizabilitySplit? Split,
    double? Similarity,
    string? PngPath);
