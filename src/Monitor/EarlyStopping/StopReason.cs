namespace Spindle.Monitor.EarlyStopping;

/// <summary>Why a training run ended.</summary>
public enum StopReason
{
    /// <summary>Training has not stopped (the value of <see cref="StopDecision.Continue"/>).</summary>
    None = 0,

    /// <summary>All requested epochs ran.</summary>
    Completed,

    /// <summary>An early-stopping rule fired.</summary>
    EarlyStopping,

    /// <summary>The training loss became NaN or infinite.</summary>
    Diverged,

    /// <summary>The caller's cancellation token was cancelled.</summary>
    Cancelled,

    /// <summary>A callback asked to stop for a reason of its own.</summary>
    Requested,

    /// <summary>The signal an early-stopping rule watches (for instance a check's spindle mass) was NaN or infinite.</summary>
    SignalNotFinite,
}
