using Spindle.Monitor.Decomposition;
using Spindle.Monitor.Interactions;

namespace Spindle.Monitor.Checks;

/// <summary>
/// One check of a model on its probe samples: the per-order distributions (Eq. 6), Z (K.3), the
/// decay/spindle fit (Eq. 10), the Z-normalised summary, the cancellation mass, bootstrap
/// uncertainty, timings and provenance.
/// </summary>
/// <remarks>
/// Serialises to versioned JSON (<see cref="ToJson"/>, <see cref="Save"/>, format <see cref="FormatName"/>)
/// without the raw interactions (save <see cref="Extraction"/> separately when they are needed); the
/// per-sample distributions it keeps are enough to recompute the data distribution and Z.
/// </remarks>
public sealed partial class CheckResult
{
    /// <summary>The value of the <c>format</c> field of every file this type writes.</summary>
    public const string FormatName = "spindle.check";

    /// <summary>The version of the file layout this type writes and reads.</summary>
    public const int CurrentVersion = 1;

    internal CheckResult(
        CheckProvenance provenance,
        double tau,
        IReadOnlyList<OrderDistribution> sampleDistributions,
        IReadOnlyList<double> sampleFirstOrderStrengths,
        DecompositionResult fit,
        CheckUncertainty? uncertainty,
        CheckTimings timings,
        bool? allConverged,
        InteractionExtraction? extraction)
    {
        Provenance = provenance;
        Tau = tau;
        SampleDistributions = sampleDistributions;
        SampleFirstOrderStrengths = sampleFirstOrderStrengths;
        Fit = fit;
        Uncertainty = uncertainty;
        Timings = timings;
        AllConverged = allConverged;
        Extraction = extraction;
        Z = sampleFirstOrderStrengths.Average();
        Summary = Z > 0 ? fit.Summarize(Z) : null;
        CancellationMass = Z > 0 ? InteractionDistributions.CancellationMass(fit.Data) / Z : null;
    }

    /// <summary>Gets where the check's numbers come from.</summary>
    public CheckProvenance Provenance { get; }

    /// <summary>Gets n, the number of input variables.</summary>
    public int VariableCount => Fit.Data.VariableCount;

    /// <summary>Gets the number of probe samples.</summary>
    public int SampleCount => SampleDistributions.Count;

    /// <summary>Gets the salience threshold τ.</summary>
    public double Tau { get; }

    /// <summary>Gets Z, the mean salient first-order strength (appendix K.3); zero when no first-order interaction is salient.</summary>
    public double Z { get; }

    /// <summary>Gets A^(m),± averaged over the probes (Eq. 6), unnormalised.</summary>
    public OrderDistribution Data => Fit.Data;

    /// <summary>Gets A^(m),± of each probe sample.</summary>
    public IReadOnlyList<OrderDistribution> SampleDistributions { get; }

    /// <summary>Gets each probe sample's salient first-order strength (Z is their mean).</summary>
    public IReadOnlyList<double> SampleFirstOrderStrengths { get; }

    /// <summary>Gets the decomposition fit, unnormalised.</summary>
    public DecompositionResult Fit { get; }

    /// <summary>Gets the Z-normalised summary; <see langword="null"/> when Z = 0 (no scale to compare checks on).</summary>
    public DecompositionSummary? Summary { get; }

    /// <summary>Gets the cancellation mass 2 Σ_m min(A^(m),+, |A^(m),-|) over Z; <see langword="null"/> when Z = 0.</summary>
    public double? CancellationMass { get; }

    /// <summary>Gets the bootstrap uncertainty over probe samples; <see langword="null"/> when disabled.</summary>
    public CheckUncertainty? Uncertainty { get; }

    /// <summary>Gets where the check spent its time.</summary>
    public CheckTimings Timings { get; }

    /// <summary>Gets whether the extraction solver reached its certified stop on every sample; <see langword="null"/> when unknown.</summary>
    public bool? AllConverged { get; }

    /// <summary>Gets the warnings of the fit (bounds reached, poor fit).</summary>
    public FitWarnings Warnings => Fit.Warnings;

    /// <summary>Gets the extraction the check was computed from; <see langword="null"/> for a check read from a file.</summary>
    public InteractionExtraction? Extraction { get; }

    /// <summary>Gets the value of one metric.</summary>
    /// <param name="metric">The metric.</param>
    /// <returns>The value; <see langword="null"/> when Z = 0.</returns>
    public double? Value(CheckMetric metric) => metric switch
    {
        CheckMetric.SpindleMass => Summary?.SpindleMass,
        CheckMetric.DecayMass => Summary?.DecayMass,
        CheckMetric.SpindleShare => Summary?.SpindleShare,
        CheckMetric.CancellationMass => CancellationMass,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };
}
