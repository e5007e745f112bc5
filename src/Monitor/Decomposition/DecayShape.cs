namespace Spindle.Monitor.Decomposition;

/// <summary>The family the generalizable (decay) part of the decomposition is fitted in.</summary>
public enum DecayShape
{
    /// <summary>
    /// Any per-order curve that is non-increasing in order on each sign (Claim 1), with the
    /// smallest spindle that fits as well (<see cref="MonotoneDecompositionFitter"/>). The default.
    /// </summary>
    Monotone,

    /// <summary>
    /// The paper's Eq. 8-9: γ · M(δ) I* with I* the fitted interactions and δ above a floor
    /// (<see cref="DecompositionFitter"/>); for paper-compatible fits.
    /// </summary>
    NoiseOperator,
}
