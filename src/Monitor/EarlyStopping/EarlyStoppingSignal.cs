namespace Spindle.Monitor.EarlyStopping;

/// <summary>Which value of each check an early-stopping rule watches; for all of them lower means more generalizable.</summary>
public enum EarlyStoppingSignal
{
    /// <summary>The spindle (non-generalizable) mass over Z.</summary>
    SpindleMass = 0,

    /// <summary>The cancellation mass 2 Σ_m min(A^(m),+, |A^(m),-|) over Z (model-free, about half the jitter of the spindle mass on the pilot runs).</summary>
    CancellationMass,

    /// <summary>The spindle share, spindle mass over spindle plus decay mass.</summary>
    SpindleShare,
}
