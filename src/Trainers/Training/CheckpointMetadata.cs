using System.Text.Json.Nodes;

namespace Spindle.Trainers.Training;

/// <summary>The host-side part of a training checkpoint: where the run was, its history and its callbacks' state.</summary>
public sealed record CheckpointMetadata
{
    /// <summary>Gets the checkpoint format version.</summary>
    public required int FormatVersion { get; init; }

    /// <summary>Gets the number of finished epochs the checkpoint holds.</summary>
    public required int Epoch { get; init; }

    /// <summary>Gets the run's shuffle seed (epoch e's order is rebuilt from it).</summary>
    public required int Seed { get; init; }

    /// <summary>Gets the number of training samples of the run, checked on resume.</summary>
    public required int TrainCount { get; init; }

    /// <summary>Gets the model's type name, checked on resume.</summary>
    public required string ModelType { get; init; }

    /// <summary>Gets the metrics of every finished epoch.</summary>
    public required IReadOnlyList<EpochMetrics> History { get; init; }

    /// <summary>Gets each stateful callback's state by <see cref="TrainingCallback.StateKey"/>.</summary>
    public required IReadOnlyDictionary<string, JsonNode?> CallbackStates { get; init; }
}
