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
    /// The smallest α of the search: the spindle is kept to middle orders (its mode at 0.4 n or above),
    /// so that it cannot imitate ordinary low-order structure. Chosen on clean and noisy generator
    /// functions (seeds 1-3): 0.6 gave clean functions a spindle share of up to 0.26, 0.7 up to 0.16,
    /// 0.75 up to 0.13, 0.8 up to 0.11; checked on other seeds and n in the tests (docs/decomposition.md).
    /// </summary>
    public const double MinAlpha = 0.8;

    /// <summary>Points of the uniform α grid of the global search.</summary>
    public const int AlphaGridSize = 96;

    /// <summary>R² below which a fit is flagged <see cref="FitWarnings.PoorFit"/>: the two shapes explain less than half the variance.</summary>
    public const double PoorFitRSquared = 0.5;
}
