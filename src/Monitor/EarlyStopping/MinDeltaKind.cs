namespace Spindle.Monitor.EarlyStopping;

/// <summary>How <see cref="EarlyStoppingOptions.MinDelta"/> is measured.</summary>
public enum MinDeltaKind
{
    /// <summary>In the signal's own units (Z units for the masses): the reference r becomes r + MinDelta.</summary>
    Absolute = 0,

    /// <summary>As a fraction of the reference: r becomes r × (1 + MinDelta) for a rise, r × (1 − MinDelta) for an improvement.</summary>
    Relative,
}
