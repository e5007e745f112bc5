using System.Globalization;

namespace Spindle.Monitor.EarlyStopping;

/// <summary>
/// The early-stopping decision as a pure function of the history of check values: feed it one value per check with
/// <see cref="Update"/>, in order, and it says whether to stop. No model, no I/O, no clock.
/// </summary>
/// <remarks>
/// Rules, in order, at each check: a NaN or infinite value stops at once (<see cref="StopReason.SignalNotFinite"/>);
/// a raw value above <see cref="EarlyStoppingOptions.DivergenceThreshold"/> stops at once (<see cref="StopReason.Diverged"/>);
/// otherwise the smoothed value is compared with the reference as <see cref="EarlyStoppingOptions.Mode"/> says, and
/// <see cref="EarlyStoppingOptions.Patience"/> consecutive checks against the run after the warm-up stop it
/// (<see cref="StopReason.EarlyStopping"/>). A stop is final: later updates return the same decision.
/// The defaults are the early-stopping study's choice; see <see cref="EarlyStoppingOptions"/>.
/// </remarks>
public sealed class EarlyStoppingTracker
{
    private readonly EarlyStoppingOptions _options;
    private readonly Queue<double> _window = new();
    private readonly Queue<double> _recent = new();
    private int _checks;
    private double? _smoothed;
    private double? _slope;
    private double? _best;
    private int? _bestCheck;
    private int _wait;
    private StopDecision _stop = StopDecision.Continue;

    /// <summary>Initializes a new instance of the <see cref="EarlyStoppingTracker"/> class.</summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults. Copied and validated.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public EarlyStoppingTracker(EarlyStoppingOptions? options = null)
    {
        _options = options?.Clone() ?? new EarlyStoppingOptions();
        _options.Validate();
    }

    /// <summary>Gets the signal the tracker's values are expected to be.</summary>
    public EarlyStoppingSignal Signal => _options.Signal;

    /// <summary>Gets the number of checks seen.</summary>
    public int Checks => _checks;

    /// <summary>Gets the smoothed signal of the last check; <see langword="null"/> before the first.</summary>
    public double? Smoothed => _smoothed;

    /// <summary>
    /// Gets, in <see cref="EarlyStoppingMode.Slope"/>, the slope of the last check's window (per check; relative to the
    /// window's mean or absolute, as <see cref="EarlyStoppingOptions.MinDeltaKind"/> says); <see langword="null"/> in other
    /// modes and before the window is full.
    /// </summary>
    public double? Slope => _slope;

    /// <summary>Gets the running minimum (rise and slope modes) or best value (no-improvement mode) of the smoothed signal.</summary>
    public double? Best => _best;

    /// <summary>Gets the 0-based index of the best check: the one whose weights a restore brings back.</summary>
    public int? BestCheck => _bestCheck;

    /// <summary>Gets the number of consecutive checks so far that count against the run.</summary>
    public int Wait => _wait;

    /// <summary>
    /// Gets the value the next smoothed signal must exceed (rise mode), beat (no-improvement mode) or exceed for its
    /// window's slope to count as rising (slope mode: defined once the window holds all but one value, and only where a
    /// higher next value means a steeper relative slope); <see langword="null"/> before the first check.
    /// </summary>
    public double? Threshold => _options.Mode == EarlyStoppingMode.Slope ? SlopeThreshold() : _best is { } best ? ThresholdOf(best) : null;

    /// <summary>Gets the stop decision once the tracker has stopped, else <see cref="StopDecision.Continue"/>.</summary>
    public StopDecision Decision => _stop;

    /// <summary>Takes the value of the next check and decides. Messages number checks from 1 (<c>check #1</c> is index 0).</summary>
    /// <param name="value">The check's signal (for instance its spindle mass over Z).</param>
    /// <returns>Whether to stop, why, and a message.</returns>
    public StopDecision Update(double value)
    {
        if (_stop.ShouldStop)
        {
            return _stop;
        }

        var check = _checks++;
        var name = SignalName(_options.Signal);
        if (!double.IsFinite(value))
        {
            return _stop = StopDecision.Stop(
                StopReason.SignalNotFinite,
                Format($"The {name} of check #{check + 1} is {value}: the model's outputs or the fit broke down."));
        }

        if (_options.DivergenceThreshold is { } divergence && value > divergence)
        {
            return _stop = StopDecision.Stop(
                StopReason.Diverged,
                Format($"The {name} of check #{check + 1} is {value:G4}, above the divergence threshold {divergence:G4}."));
        }

        _window.Enqueue(value);
        while (_window.Count > _options.Smoothing)
        {
            _window.Dequeue();
        }

        var smoothed = Median(_window);
        _smoothed = smoothed;
        bool against;
        if (_options.Mode == EarlyStoppingMode.Slope)
        {
            _recent.Enqueue(smoothed);
            while (_recent.Count > _options.SlopeWindow)
            {
                _recent.Dequeue();
            }

            _slope = _recent.Count == _options.SlopeWindow ? SlopeOf(_recent, _options.MinDeltaKind) : null;
            against = _slope > _options.MinDelta;
            if (_best is null || smoothed < _best)
            {
                _best = smoothed;
                _bestCheck = check;
            }
        }
        else if (_options.Mode == EarlyStoppingMode.RiseAboveMinimum)
        {
            against = _best is { } minimum && smoothed > ThresholdOf(minimum);
            if (_best is null || smoothed < _best)
            {
                _best = smoothed;
                _bestCheck = check;
            }
        }
        else
        {
            against = _best is { } best && !(smoothed < ThresholdOf(best));
            if (!against)
            {
                _best = smoothed;
                _bestCheck = check;
            }
        }

        _wait = against && check >= _options.WarmUpChecks ? _wait + 1 : 0;
        if (_wait < _options.Patience)
        {
            return StopDecision.Continue;
        }

        var smoothing = _options.Smoothing > 1 ? Format($"median of the last {_options.Smoothing} checks' {name}") : name;
        var message = _options.Mode == EarlyStoppingMode.Slope
            ? Format($"The slope of the {smoothing} over the last {_options.SlopeWindow} checks has exceeded {DescribeSlope()} for {_wait} consecutive checks ({_slope:G3} at check #{check + 1}; lowest at check #{_bestCheck + 1}).")
            : _options.Mode == EarlyStoppingMode.RiseAboveMinimum
            ? Format($"The {smoothing} has exceeded {DescribeThreshold("its running minimum", _best!.Value)} for {_wait} consecutive checks ({smoothed:G4} at check #{check + 1}; minimum at check #{_bestCheck + 1}).")
            : Format($"The {smoothing} has not improved on {DescribeThreshold("its best", _best!.Value)} for {_wait} consecutive checks ({smoothed:G4} at check #{check + 1}; best at check #{_bestCheck + 1}).");
        return _stop = StopDecision.Stop(StopReason.EarlyStopping, message);
    }

    /// <summary>Gets the state to store in a checkpoint.</summary>
    /// <returns>The state.</returns>
    public EarlyStoppingState GetState() => new()
    {
        Checks = _checks,
        Window = [.. _window],
        Recent = [.. _recent],
        Slope = _slope,
        Smoothed = _smoothed,
        Best = _best,
        BestCheck = _bestCheck,
        Wait = _wait,
        Reason = _stop.Reason,
        Message = _stop.Message,
    };

    /// <summary>Restores a state <see cref="GetState"/> returned (same options assumed), so that a resumed run decides as the uninterrupted one would.</summary>
    /// <param name="state">The state.</param>
    /// <exception cref="ArgumentException">The state is inconsistent or does not fit these options.</exception>
    public void LoadState(EarlyStoppingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var window = state.Window ?? [];
        if (state.Checks < 0 || window.Count > Math.Min(state.Checks, _options.Smoothing) || (state.Checks > 0 && window.Count == 0 && state.Reason == StopReason.None)
            || (state.Best is null) != (state.BestCheck is null) || state.BestCheck >= state.Checks || state.Wait < 0 || !Enum.IsDefined(state.Reason)
            || window.Any(v => !double.IsFinite(v)) || (state.Recent ?? []).Count > Math.Min(state.Checks, _options.SlopeWindow)
            || (state.Recent ?? []).Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException($"Inconsistent early-stopping state (checks {state.Checks}, window of {window.Count} with smoothing {_options.Smoothing}, best check {state.BestCheck}, wait {state.Wait}).", nameof(state));
        }

        _checks = state.Checks;
        _window.Clear();
        foreach (var v in window)
        {
            _window.Enqueue(v);
        }

        _recent.Clear();
        if (_options.Mode == EarlyStoppingMode.Slope)
        {
            foreach (var v in state.Recent ?? [])
            {
                _recent.Enqueue(v);
            }
        }

        _smoothed = state.Smoothed;
        _slope = _options.Mode == EarlyStoppingMode.Slope ? state.Slope : null;
        _best = state.Best;
        _bestCheck = state.BestCheck;
        _wait = state.Wait;
        _stop = state.Reason == StopReason.None ? StopDecision.Continue : StopDecision.Stop(state.Reason, state.Message);
    }

    internal static string SignalName(EarlyStoppingSignal signal) => signal switch
    {
        EarlyStoppingSignal.SpindleMass => "spindle mass",
        EarlyStoppingSignal.CancellationMass => "cancellation mass",
        EarlyStoppingSignal.SpindleShare => "spindle share",
        _ => signal.ToString(),
    };

    private static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : 0.5 * (sorted[middle - 1] + sorted[middle]);
    }

    /// <summary>The least-squares slope of equally spaced values per step; relative: over their mean (+∞ when a rising window has mean ≤ 0).</summary>
    private static double SlopeOf(Queue<double> values, MinDeltaKind kind)
    {
        var n = values.Count;
        var meanIndex = (n - 1) / 2.0;
        var mean = values.Average();
        double covariance = 0, variance = 0;
        var i = 0;
        foreach (var v in values)
        {
            covariance += (i - meanIndex) * (v - mean);
            variance += (i - meanIndex) * (i - meanIndex);
            i++;
        }

        var slope = covariance / variance;
        if (kind == MinDeltaKind.Absolute)
        {
            return slope;
        }

        return mean > 0 ? slope / mean : slope > 0 ? double.PositiveInfinity : slope < 0 ? double.NegativeInfinity : 0;
    }

    /// <summary>
    /// The next value y above which the slope of (the last W − 1 values, y) exceeds MinDelta. With x = 0 … W − 1, x̄ = (W − 1)/2,
    /// Sxx = Σ(x − x̄)², C = Σ_{i &lt; W−1} (x_i − x̄) y_i and A = Σ_{i &lt; W−1} y_i, the slope is (C + x̄ y)/Sxx: absolute,
    /// y &gt; (d Sxx − C)/x̄; relative to the mean (A + y)/W, y (x̄/Sxx − d/W) &gt; d A/W − C/Sxx.
    /// </summary>
    private double? SlopeThreshold()
    {
        var w = _options.SlopeWindow;
        if (_recent.Count < w - 1)
        {
            return null;
        }

        var kept = _recent.Skip(_recent.Count - (w - 1)).ToArray();
        var meanIndex = (w - 1) / 2.0;
        double sxx = 0;
        for (var i = 0; i < w; i++)
        {
            sxx += (i - meanIndex) * (i - meanIndex);
        }

        double c = 0, a = 0;
        for (var i = 0; i < kept.Length; i++)
        {
            c += (i - meanIndex) * kept[i];
            a += kept[i];
        }

        var d = _options.MinDelta;
        if (_options.MinDeltaKind == MinDeltaKind.Absolute)
        {
            return ((d * sxx) - c) / meanIndex;
        }

        var k = (meanIndex / sxx) - (d / w);
        return k > 0 ? ((d * a / w) - (c / sxx)) / k : null;
    }

    private string DescribeSlope() => _options.MinDeltaKind == MinDeltaKind.Relative
        ? Format($"{_options.MinDelta * 100:G3}% of their mean per check")
        : Format($"{_options.MinDelta:G3} per check");

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private double ThresholdOf(double reference)
    {
        var d = _options.MinDelta;
        var rise = _options.Mode == EarlyStoppingMode.RiseAboveMinimum;
        return _options.MinDeltaKind == MinDeltaKind.Absolute
            ? (rise ? reference + d : reference - d)
            : (rise ? reference * (1 + d) : reference * (1 - d));
    }

    private string DescribeThreshold(string what, double reference) => _options.MinDeltaKind == MinDeltaKind.Relative
        ? Format($"{(_options.Mode == EarlyStoppingMode.RiseAboveMinimum ? 1 + _options.MinDelta : 1 - _options.MinDelta):G3}x {what} {reference:G4}")
        : Format($"{what} {reference:G4} {(_options.Mode == EarlyStoppingMode.RiseAboveMinimum ? "+" : "−")} {_options.MinDelta:G3}");
}
