namespace Spindle.Monitor.Decomposition;

/// <summary>Default values of <see cref="DecompositionFitOptions"/>, referred to by its docs and tests.</summary>
internal static class DecompositionDefaults
{
    /// <summary>The largest fraction of a middle-order interaction the decay may keep; see <see cref="DecompositionFitOptions.MiddleOrderRetention"/>.</summary>
    public const double MiddleOrderRetention = 0.1;

    /// <summary>The largest δ the fit may choose: at 10 every interaction of order ≥ 2 is shrunk by about 40x or more.</summary>
    public const double MaxDelta = 10;

    /// <summary>Points of the log-uniform δ grid of the global search.</summary>
    public const int DeltaGridSize = 17;

    /// <summary>
    /// The smallest α of the search: the spindle is kept to middle orders (at n = 10 its mode is at order
    /// 4.5 or above) so that it cannot imitate ordinary low-order structure. Chosen on generator functions
    /// (seeds 1-3, n = 8 and 10; FitSweep): the largest clean-function spindle share was 0.26 at a floor
    /// of 0.6, 0.16 at 0.8, 0.12 at 0.9 and 0.09 at 1; a floor of 1 (α fixed) lets the decay absorb up to
    /// 3.3x its clean mass under appendix-E noise of σ = 0.2, 0.9 keeps it within a factor 2 (docs/decomposition.md).
    /// </summary>
    public const double MinAlpha = 0.9;

    /// <summary>Points of the uniform α grid of the global search.</summary>
    public const int AlphaGridSize = 96;

    /// <summary>R² below which a fit is flagged <see cref="FitWarnings.PoorFit"/>: the two shapes explain less than half the variance.</summary>
    public const double PoorFitRSquared = 0.5;
}
