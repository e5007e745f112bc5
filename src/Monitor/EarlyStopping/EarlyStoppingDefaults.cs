namespace Spindle.Monitor.EarlyStopping;

/// <summary>
/// Default values of <see cref="EarlyStoppingOptions"/>, referred to by its docs and tests. PROVISIONAL: together they
/// are the rule the first look at the pilot runs suggested (docs: DESIGN "The same experiment through Spindle's own
/// library"), chosen on those runs and not yet confirmed on others; an evidence study will choose the default.
/// </summary>
internal static class EarlyStoppingDefaults
{
    /// <summary>The spindle mass is the signal.</summary>
    public const EarlyStoppingSignal Signal = EarlyStoppingSignal.SpindleMass;

    /// <summary>Stop on a rise above the running minimum.</summary>
    public const EarlyStoppingMode Mode = EarlyStoppingMode.RiseAboveMinimum;

    /// <summary>Three checks in a row above the threshold.</summary>
    public const int Patience = 3;

    /// <summary>1.5 relative: the threshold is 2.5 times the running minimum.</summary>
    public const double MinDelta = 1.5;

    /// <summary>The threshold is relative to the running minimum.</summary>
    public const MinDeltaKind MinDeltaKind = EarlyStopping.MinDeltaKind.Relative;

    /// <summary>The first three checks never count towards the patience (they still set the minimum).</summary>
    public const int WarmUpChecks = 3;

    /// <summary>The signal is the median of the last three checks.</summary>
    public const int Smoothing = 3;
}
