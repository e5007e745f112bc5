namespace Spindle.Monitor.Decomposition;

/// <summary>Options of <see cref="DecompositionFitter"/>: the search ranges and grids of the fit of Eq. 10.</summary>
public sealed class DecompositionFitOptions
{
    /// <summary>
    /// Gets or sets the smallest δ (noise variance of Theorem 3.1) the fit may choose: the constraint that
    /// makes the fit identifiable when I* are the model's own interactions; <see langword="null"/> derives it
    /// from <see cref="MiddleOrderRetention"/>.
    /// </summary>
    /// <remarks>
    /// With I* equal to the interactions being fitted, δ → 0 makes M(δ) the identity, the decay term
    /// alone reproduces the data and the spindle is always zero. Set a small value (1e-6, say) only
    /// when I* come from a different checkpoint (a reference model), where δ is identifiable.
    /// </remarks>
    /// <value>The default value is <see langword="null"/>.</value>
    public double? MinDelta { get; set; }

    /// <summary>
    /// Gets or sets the fraction of an isolated interaction of the middle order m_mid = ⌈n/2⌉ (at least 2, at most n) that M(δ) may
    /// keep at most; the smallest admissible δ is the one that keeps exactly this fraction (when
    /// <see cref="MinDelta"/> is <see langword="null"/>).
    /// </summary>
    /// <remarks>
    /// Rationale: the decay term is the distribution of interactions that survive training under
    /// feature noise (Theorem 3.1), and the spindle peaks at the middle orders (Claim 2, Eq. 7 at
    /// α = 1). Requiring the noise to remove at least 86% of a middle-order interaction separates
    /// the two terms without fixing δ: the fit may still choose any larger δ. For n = 10 the
    /// default gives δ_min ≈ 8.3e-4, for n = 8 about 5.3e-3 (with 0.1, the earlier default: 1.6e-3 and 9.6e-3).
    /// </remarks>
    /// <value>The default value is 0.14.</value>
    public double MiddleOrderRetention { get; set; } = DecompositionDefaults.MiddleOrderRetention;

    /// <summary>Gets or sets the largest δ the fit may choose (a derived δ_min above it is lowered to it).</summary>
    /// <value>The default value is 10.</value>
    public double MaxDelta { get; set; } = DecompositionDefaults.MaxDelta;

    /// <summary>Gets or sets the number of points of the log-uniform δ grid (1 fixes δ at the smallest admissible δ).</summary>
    /// <value>The default value is 17.</value>
    public int DeltaGridSize { get; set; } = DecompositionDefaults.DeltaGridSize;

    /// <summary>
    /// Gets or sets the smallest α of the search; α ranges over [MinAlpha, 1]. The default keeps the
    /// spindle to the middle orders (Claim 2): with α as low as 0.05 a low-α spindle imitates ordinary
    /// low-order structure and clean functions get a large spindle share.
    /// </summary>
    /// <value>The default value is 0.95.</value>
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
        if (MinDelta is { } minDelta && (!(minDelta > 0) || !double.IsFinite(minDelta)))
        {
            throw new ArgumentOutOfRangeException(nameof(MinDelta), minDelta, "MinDelta must be finite and > 0 (the δ grid is logarithmic).");
        }

        if (!(MiddleOrderRetention > 0 && MiddleOrderRetention < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MiddleOrderRetention), MiddleOrderRetention, "MiddleOrderRetention must lie in (0, 1).");
        }

        if (!(MaxDelta > 0) || !double.IsFinite(MaxDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDelta), MaxDelta, "MaxDelta must be finite and > 0.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(DeltaGridSize, 1, nameof(DeltaGridSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(AlphaGridSize, 2, nameof(AlphaGridSize));
        if (!(MinAlpha > 0 && MinAlpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinAlpha), MinAlpha, "MinAlpha must lie in (0, 1] (1 fixes α at 1).");
        }
    }
}
