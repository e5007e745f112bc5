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
}
