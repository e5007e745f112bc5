namespace Spindle.Monitor.EarlyStopping;

/// <summary>How an early-stopping rule judges a check against the history before it.</summary>
public enum EarlyStoppingMode
{
    /// <summary>
    /// A check counts against the run when its smoothed signal exceeds the running minimum by more than
    /// <see cref="EarlyStoppingOptions.MinDelta"/> (the overfitting rise of the paper's Fig. 3); training stops after
    /// <see cref="EarlyStoppingOptions.Patience"/> such checks in a row.
    /// </summary>
    RiseAboveMinimum = 0,

    /// <summary>
    /// A check counts against the run when its smoothed signal does not improve on the best so far by more than
    /// <see cref="EarlyStoppingOptions.MinDelta"/> (the classic patience rule, as Lightning's <c>EarlyStopping(mode="min")</c>);
    /// training stops after <see cref="EarlyStoppingOptions.Patience"/> such checks in a row.
    /// </summary>
    NoImprovement,

    /// <summary>
    /// A check counts against the run when the least-squares slope of the last <see cref="EarlyStoppingOptions.SlopeWindow"/>
    /// smoothed values, per check, exceeds <see cref="EarlyStoppingOptions.MinDelta"/> (relative: as a fraction of those
    /// values' mean; absolute: in the signal's units); training stops after <see cref="EarlyStoppingOptions.Patience"/>
    /// such checks in a row. No check counts before the window is full. The best check is the lowest smoothed value.
    /// </summary>
    Slope,
}
