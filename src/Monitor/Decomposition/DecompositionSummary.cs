namespace Spindle.Monitor.Decomposition;

/// <summary>
/// The numbers one check reports, on the Z-normalised scale of appendix K.3 so that checks compare
/// across training: every mass is divided by Z, the mean salient first-order strength.
/// </summary>
/// <param name="SpindleMass">Σ_m A_spindle^(m),+ + |A_spindle^(m),-|, divided by Z: the non-generalizable strength.</param>
/// <param name="DecayMass">Σ_m A_decay^(m),+ + |A_decay^(m),-|, divided by Z: the generalizable strength.</param>
/// <param name="SpindleShare">SpindleMass / (SpindleMass + DecayMass), in [0, 1] (scale-free).</param>
/// <param name="ResidualMass">Σ_m A_residual^(m),+ + A_residual^(m),-, divided by Z: what neither part explains.</param>
/// <param name="DataMass">Σ_m A^(m),+ + |A^(m),-|, divided by Z.</param>
/// <param name="RSquared">R² of the fit.</param>
/// <param name="Z">The normalising constant Z.</param>
public sealed record DecompositionSummary(
    double SpindleMass,
    double DecayMass,
    double SpindleShare,
    double ResidualMass,
    double DataMass,
    double RSquared,
    double Z);
