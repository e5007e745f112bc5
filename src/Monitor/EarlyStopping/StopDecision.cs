namespace Spindle.Monitor.EarlyStopping;

/// <summary>Whether training should stop, why, and a message for people.</summary>
/// <param name="ShouldStop">Whether training should stop.</param>
/// <param name="Reason">Why; <see cref="StopReason.None"/> when training continues.</param>
/// <param name="Message">A one-line explanation (empty when training continues).</param>
public readonly record struct StopDecision(bool ShouldStop, StopReason Reason, string Message)
{
    /// <summary>Gets the decision to keep training.</summary>
    public static StopDecision Continue { get; } = new(false, StopReason.None, string.Empty);

    /// <summary>Creates a decision to stop.</summary>
    /// <param name="reason">Why training stops; not <see cref="StopReason.None"/>.</param>
    /// <param name="message">A one-line explanation.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is <see cref="StopReason.None"/>.</exception>
    public static StopDecision Stop(StopReason reason, string message)
    {
        if (reason == StopReason.None)
        {
            throw new ArgumentException("A stop needs a reason other than None.", nameof(reason));
        }

        return new StopDecision(true, reason, message ?? string.Empty);
    }
}
