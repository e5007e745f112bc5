namespace Spindle.Monitor.Decomposition;

/// <summary>Options of <see cref="DecompositionFitter"/>: the search ranges and grids of the fit of Eq. 10.</summary>
public sealed class DecompositionFitOptions
{
    /// <summary>
    /// Gets or sets the smallest δ (noise variance of Theorem 3.1) the fit may choose: the constraint that
    /// makes the fit identifiable when I* are the model's own interactions.
    /// </summary>
    /// <remarks>
    /// With I* equal to the interactions whose distribution is fitted, δ → 0 makes M(δ) the identity,
    /// the decay term alone reproduces the data and the spindle is always zero. The decay term
    /// models the interactions that survive training under feature noise (Theorem 3.1), so δ must be
    /// large enough for that noise to remove counteracting high-order interactions. Set it small
    /// (1e-6, say) only when I* come from a different checkpoint (a reference model), where δ is identifiable.
    /// </remarks>
    /// <value>The default value is 0.1 (an isolated order-m interaction is scaled by about 1 / (1 + 4^m δ)).</value>
    public double MinDelta { get; set; } = DecompositionDefaults.MinDelta;

    /// <summary>Gets or sets the largest δ the fit may choose.</summary>
    /// <value>The default value is 10.</value>
    public double MaxDelta { get; set; } = DecompositionDefaults.MaxDelta;

    /// <summary>Gets or sets the number of points of the log-uniform δ grid (1 fixes δ at <see cref="MinDelta"/>).</summary>
    /// <value>The default value is 17.</value>
    public int DeltaGridSize { get; set; } = DecompositionDefaults.DeltaGridSize;

    /// <summary>Gets or sets the smallest α of the search; α ranges over [MinAlpha, 1].</summary>
    /// <value>The default value is 0.05.</value>
    public double MinAlpha { get; set; } = DecompositionDefaults.MinAlpha;

    /// <summary>Gets or sets the number of points of the uniform α grid.</summary>
    /// <value>The default value is 96.</value>
    public int AlphaGridSize { get; set; } = DecompositionDefaults.AlphaGridSize;

    /// <summary>Gets or sets a value indicating whether the best grid point is refined by a continuous search.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Refine { get; set; } = true;

    /// <summary>Throws when the options are inconsistent.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (!(MinDelta > 0) || !double.IsFinite(MinDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(MinDelta), MinDelta, "MinDelta must be finite and > 0 (the δ grid is logarithmic).");
        }

        if (!(MaxDelta >= MinDelta) || !double.IsFinite(MaxDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDelta), MaxDelta, $"MaxDelta must be finite and ≥ MinDelta = {MinDelta}.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(DeltaGridSize, 1, nameof(DeltaGridSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(AlphaGridSize, 2, nameof(AlphaGridSize));
        if (!(MinAlpha > 0 && MinAlpha < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinAlpha), MinAlpha, "MinAlpha must lie in (0, 1).");
        }
    }
}
