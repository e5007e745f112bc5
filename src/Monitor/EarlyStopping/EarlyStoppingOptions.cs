using System.ComponentModel.DataAnnotations;

namespace Spindle.Monitor.EarlyStopping;

/// <summary>Options of an <see cref="EarlyStoppingTracker"/>: which signal of the checks it watches and when it stops.</summary>
/// <remarks>
/// <para>
/// PROVISIONAL DEFAULT. The defaults make the rule: stop when the median of the last 3 checks' spindle mass has exceeded
/// 2.5 times its running minimum (<see cref="MinDelta"/> 1.5, relative) for 3 consecutive checks, after a warm-up of 3
/// checks, without restoring weights. It is the rule the first look at five pilot runs suggested (a smoothed signal
/// crossing 2-3x its minimum for 3-5 checks, without restore, came within the test-loss rule there) and was chosen on
/// those same runs: it is a conservative placeholder, not an established default, and an evidence study will choose
/// the default. On those runs, restoring the weights of the lowest-spindle check restored a barely trained model.
/// </para>
/// <para>
/// Every signal is "lower is better". The smoothed signal of check i is the median of the raw values of checks
/// max(0, i − <see cref="Smoothing"/> + 1) … i. The running minimum is taken over the smoothed values of all checks,
/// warm-up included; the first <see cref="WarmUpChecks"/> checks never count towards <see cref="Patience"/>.
/// With <see cref="MinDeltaKind.Relative"/> and a running minimum of exactly 0, any positive value exceeds it.
/// </para>
/// </remarks>
public sealed class EarlyStoppingOptions
{
    /// <summary>Gets or sets the value of each check the rule watches.</summary>
    /// <value>The default value is <see cref="EarlyStoppingSignal.SpindleMass"/> (provisional).</value>
    public EarlyStoppingSignal Signal { get; set; } = EarlyStoppingDefaults.Signal;

    /// <summary>Gets or sets how a check is judged against the history before it.</summary>
    /// <value>The default value is <see cref="EarlyStoppingMode.RiseAboveMinimum"/> (provisional).</value>
    public EarlyStoppingMode Mode { get; set; } = EarlyStoppingDefaults.Mode;

    /// <summary>Gets or sets the number of consecutive checks that count against the run before it stops.</summary>
    /// <value>The default value is 3 (provisional).</value>
    [Range(1, int.MaxValue)]
    public int Patience { get; set; } = EarlyStoppingDefaults.Patience;

    /// <summary>Gets or sets the margin over the reference (the running minimum or the best): a rise must exceed it, an improvement must beat it.</summary>
    /// <value>The default value is 1.5 relative, so a rise means more than 2.5 times the running minimum (provisional).</value>
    [Range(0, double.MaxValue)]
    public double MinDelta { get; set; } = EarlyStoppingDefaults.MinDelta;

    /// <summary>Gets or sets whether <see cref="MinDelta"/> is absolute or relative to the reference.</summary>
    /// <value>The default value is <see cref="MinDeltaKind.Relative"/>.</value>
    public MinDeltaKind MinDeltaKind { get; set; } = EarlyStoppingDefaults.MinDeltaKind;

    /// <summary>Gets or sets the number of first checks that never count towards the patience (they still set the minimum and the best check).</summary>
    /// <value>The default value is 3 (provisional).</value>
    [Range(0, int.MaxValue)]
    public int WarmUpChecks { get; set; } = EarlyStoppingDefaults.WarmUpChecks;

    /// <summary>Gets or sets k, the number of last checks whose median is the smoothed signal (1: no smoothing).</summary>
    /// <value>The default value is 3 (provisional).</value>
    [Range(1, int.MaxValue)]
    public int Smoothing { get; set; } = EarlyStoppingDefaults.Smoothing;

    /// <summary>Gets or sets a raw value above which training stops at once (also during the warm-up); <see langword="null"/> for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public double? DivergenceThreshold { get; set; }

    /// <summary>Throws when the options are out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Signal))
        {
            throw new ArgumentOutOfRangeException(nameof(Signal), Signal, "Unknown early-stopping signal.");
        }

        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Unknown early-stopping mode.");
        }

        if (!Enum.IsDefined(MinDeltaKind))
        {
            throw new ArgumentOutOfRangeException(nameof(MinDeltaKind), MinDeltaKind, "Unknown min-delta kind.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Patience, 1, nameof(Patience));
        ArgumentOutOfRangeException.ThrowIfNegative(WarmUpChecks, nameof(WarmUpChecks));
        ArgumentOutOfRangeException.ThrowIfLessThan(Smoothing, 1, nameof(Smoothing));
        if (!(MinDelta >= 0) || !double.IsFinite(MinDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(MinDelta), MinDelta, "MinDelta must be finite and ≥ 0.");
        }

        if (MinDeltaKind == MinDeltaKind.Relative && Mode == EarlyStoppingMode.NoImprovement && MinDelta >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinDelta), MinDelta, "A relative MinDelta for NoImprovement must be below 1 (an improvement to best × (1 − MinDelta)).");
        }

        if (DivergenceThreshold is { } threshold && !double.IsFinite(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(DivergenceThreshold), threshold, "The divergence threshold must be finite.");
        }
    }

    /// <summary>Returns a copy, so that a tracker is not affected by later changes to the caller's options.</summary>
    /// <returns>The copy.</returns>
    internal EarlyStoppingOptions Clone() => (EarlyStoppingOptions)MemberwiseClone();
}
