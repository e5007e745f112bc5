using Spindle.Monitor.Decomposition;
using Spindle.Monitor.Interactions;
using Spindle.Monitor.Masking;

namespace Spindle.Monitor.Checks;

/// <summary>Options of an <see cref="InteractionCheck"/>: extraction, decomposition fit and uncertainty.</summary>
public sealed class InteractionCheckOptions
{
    /// <summary>Gets or sets the options of the masked forward passes; <see langword="null"/> for the defaults.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public MaskingOptions? Masking { get; set; }

    /// <summary>Gets or sets the options of the AND-OR extraction; <see langword="null"/> for the defaults (exact solver, Table 1's τ).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public InteractionAnalysisOptions? Analysis { get; set; }

    /// <summary>Gets or sets the family the decay part is fitted in.</summary>
    /// <value>The default value is <see cref="DecayShape.NoiseOperator"/> with δ held after the first check (see docs/decomposition.md for the evidence).</value>
    public DecayShape DecayShape { get; set; } = DecayShape.NoiseOperator;

    /// <summary>Gets or sets the search ranges of the fit; <see langword="null"/> for the defaults.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public DecompositionFitOptions? Fit { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether, with <see cref="DecayShape.NoiseOperator"/>, δ fitted at the first
    /// check is held for every later check of the same <see cref="InteractionCheck"/> (the fit otherwise flips
    /// between two near-equal δ basins from check to check).
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool HoldDelta { get; set; } = true;

    /// <summary>Gets or sets the number of bootstrap replicates over probe samples (0 disables the uncertainty).</summary>
    /// <value>The default value is 200.</value>
    public int BootstrapReplicates { get; set; } = CheckDefaults.BootstrapReplicates;

    /// <summary>Gets or sets the seed of the bootstrap resampling. Checks with the same seed and probe count use the same resamples, so their replicates pair.</summary>
    /// <value>The default value is 0.</value>
    public int BootstrapSeed { get; set; } = CheckDefaults.BootstrapSeed;

    /// <summary>Gets or sets the coverage of the percentile intervals, in (0, 1).</summary>
    /// <value>The default value is 0.9.</value>
    public double ConfidenceLevel { get; set; } = CheckDefaults.ConfidenceLevel;

    /// <summary>Throws when the options are inconsistent.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(BootstrapReplicates, nameof(BootstrapReplicates));
        if (!(ConfidenceLevel > 0 && ConfidenceLevel < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ConfidenceLevel), ConfidenceLevel, "The confidence level must lie in (0, 1).");
        }

        if (!Enum.IsDefined(DecayShape))
        {
            throw new ArgumentOutOfRangeException(nameof(DecayShape), DecayShape, "Unknown decay shape.");
        }

        Fit?.Validate();
        Analysis?.Validate();
    }
}
