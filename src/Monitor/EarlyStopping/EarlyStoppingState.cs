using System.Text.Json.Serialization;

namespace Spindle.Monitor.EarlyStopping;

/// <summary>Everything an <see cref="EarlyStoppingTracker"/> remembers, for a checkpoint and a resumed run; serialises to JSON.</summary>
public sealed record EarlyStoppingState
{
    /// <summary>Gets the number of checks seen.</summary>
    [JsonPropertyName("checks")]
    public int Checks { get; init; }

    /// <summary>Gets the raw values of the last checks (at most the smoothing width), oldest first.</summary>
    [JsonPropertyName("window")]
    public IReadOnlyList<double> Window { get; init; } = [];

    /// <summary>Gets, in slope mode, the smoothed values of the last checks (at most the slope window), oldest first; empty otherwise and in states written before slope mode existed.</summary>
    [JsonPropertyName("recent")]
    public IReadOnlyList<double>? Recent { get; init; } = [];

    /// <summary>Gets, in slope mode, the slope of the last full window; <see langword="null"/> otherwise.</summary>
    [JsonPropertyName("slope")]
    public double? Slope { get; init; }

    /// <summary>Gets the smoothed signal of the last check; <see langword="null"/> before the first.</summary>
    [JsonPropertyName("smoothed")]
    public double? Smoothed { get; init; }

    /// <summary>Gets the reference: the running minimum (<see cref="EarlyStoppingMode.RiseAboveMinimum"/>) or the best value (<see cref="EarlyStoppingMode.NoImprovement"/>) of the smoothed signal; <see langword="null"/> before the first check.</summary>
    [JsonPropertyName("best")]
    public double? Best { get; init; }

    /// <summary>Gets the 0-based index of the check that set <see cref="Best"/>; <see langword="null"/> before the first check.</summary>
    [JsonPropertyName("bestCheck")]
    public int? BestCheck { get; init; }

    /// <summary>Gets the number of consecutive checks so far that count against the run.</summary>
    [JsonPropertyName("wait")]
    public int Wait { get; init; }

    /// <summary>Gets why the tracker stopped; <see cref="StopReason.None"/> while it has not.</summary>
    [JsonPropertyName("reason")]
    [JsonConverter(typeof(JsonStringEnumConverter<StopReason>))]
    public StopReason Reason { get; init; }

    /// <summary>Gets the stop message; empty while the tracker has not stopped.</summary>
    [JsonPropertyName("message")]
    public string Message { get; init; } = string.Empty;
}
