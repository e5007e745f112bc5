using System.Text.Json.Serialization;
using Spindle.Monitor.EarlyStopping;

namespace Spindle.Monitor.Monitoring;

/// <summary>What an <see cref="InteractionMonitor"/> needs to resume as if it had not been interrupted; serialises to JSON.</summary>
public sealed record MonitorState
{
    /// <summary>Gets the epoch of the last check; <see langword="null"/> before the first.</summary>
    [JsonPropertyName("lastEpoch")]
    public int? LastEpoch { get; init; }

    /// <summary>Gets the number of checks run.</summary>
    [JsonPropertyName("checks")]
    public int Checks { get; init; }

    /// <summary>Gets the epoch of the early-stopping rule's best check; <see langword="null"/> before the first.</summary>
    [JsonPropertyName("bestEpoch")]
    public int? BestEpoch { get; init; }

    /// <summary>Gets the decay δ held since the first check, so that the checks after a resume use it too.</summary>
    [JsonPropertyName("heldDelta")]
    public double? HeldDelta { get; init; }

    /// <summary>Gets the early-stopping rule's state.</summary>
    [JsonPropertyName("earlyStopping")]
    public EarlyStoppingState EarlyStopping { get; init; } = new();
}
