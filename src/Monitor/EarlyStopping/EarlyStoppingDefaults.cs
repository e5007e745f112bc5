namespace Spindle.Monitor.EarlyStopping;

/// <summary>
/// Default values of <see cref="EarlyStoppingOptions"/>, referred to by its docs and tests: the rule the early-stopping
/// study chose on its selection runs (docs/results/early-stopping.md, `spindle experiment early-stopping`). A test
/// re-runs that choice on the committed records and fails when these values and the study's choice differ.
/// </summary>
internal static class EarlyStoppingDefaults
{
    /// <summary>The cancellation mass is the signal.</summary>
    public const EarlyStoppingSignal Signal = EarlyStoppingSignal.CancellationMass;

    /// <summary>Stop on a rising slope.</summary>
    public const EarlyStoppingMode Mode = EarlyStoppingMode.Slope;

    /// <summary>Two checks in a row with a rising slope.</summary>
    public const int Patience = 2;

    /// <summary>0.05 relative: a slope of more than 5% of the window's mean per check.</summary>
    public const double MinDelta = 0.05;

    /// <summary>The slope is relative to the window's mean.</summary>
    public const MinDeltaKind MinDeltaKind = EarlyStopping.MinDeltaKind.Relative;

    /// <summary>No warm-up beyond the slope window itself.</summary>
    public const int WarmUpChecks = 0;

    /// <summary>No smoothing: the slope is fitted to the raw values.</summary>
    public const int Smoothing = 1;

    /// <summary>The slope is fitted to the last eight checks.</summary>
    public const int SlopeWindow = 8;
}
