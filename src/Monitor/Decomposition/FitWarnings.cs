namespace Spindle.Monitor.Decomposition;

/// <summary>Where a decomposition fit sits at a bound of its search, or fits poorly.</summary>
[Flags]
public enum FitWarnings
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>The spindle is present and its α is at the smallest value searched.</summary>
    AlphaAtLowerBound = 1,

    /// <summary>The spindle is present and its α is 1 (all variables; the paper's largest).</summary>
    AlphaAtUpperBound = 2,

    /// <summary>δ is at its floor (<see cref="DecayShape.NoiseOperator"/> only): the decay may want a smaller δ than allowed.</summary>
    DeltaAtLowerBound = 4,

    /// <summary>δ is at its ceiling (<see cref="DecayShape.NoiseOperator"/> only).</summary>
    DeltaAtUpperBound = 8,

    /// <summary>R² is below 0.5: decay plus spindle explain less than half the variance of A.</summary>
    PoorFit = 16,
}
