namespace Spindle.Monitor.Checks;

/// <summary>The Z-normalised numbers a check reports with an interval.</summary>
public enum CheckMetric
{
    /// <summary>The fitted spindle (non-generalizable) mass over Z.</summary>
    SpindleMass,

    /// <summary>The fitted decay (generalizable) mass over Z.</summary>
    DecayMass,

    /// <summary>Spindle mass over spindle plus decay mass.</summary>
    SpindleShare,

    /// <summary>The model-free cancellation mass 2 Σ_m min(A^(m),+, |A^(m),-|) over Z (Claim 2's mutual cancellation).</summary>
    CancellationMass,
}
