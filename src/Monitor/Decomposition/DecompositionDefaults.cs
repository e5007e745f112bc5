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

    /// <summary>The smallest α of the search: below it the spindle's support is under one order for n ≤ 19.</summary>
    public const double MinAlpha = 0.05;

    /// <summary>Points of the uniform α grid of the global search.</summary>
    public const int AlphaGridSize = 96;
}
