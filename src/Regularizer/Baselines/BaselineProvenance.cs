using System.Text.Json.Serialization;

namespace Spindle.Regularizer.Baselines;

/// <summary>Where a baseline model came from: what data it was trained on, with which seed, model and training settings.</summary>
/// <remarks>
/// Two baselines with equal provenance are interchangeable, so <see cref="BaselineStore"/> reuses a saved model when a run
/// asks for one with the same provenance. Record everything that changes the trained weights.
/// </remarks>
public sealed record BaselineProvenance
{
    /// <summary>Gets the model's name (for example <c>cnn</c>, <c>resnet20</c>).</summary>
    [JsonPropertyName("model")]
    public required string Model { get; init; }

    /// <summary>Gets the dataset's name (for example <c>fashion-mnist</c>).</summary>
    [JsonPropertyName("dataset")]
    public required string Dataset { get; init; }

    /// <summary>Gets a description of the held-out split (for example <c>train pool, 200 class-balanced, disjoint from the training subset</c>).</summary>
    [JsonPropertyName("split")]
    public required string Split { get; init; }

    /// <summary>Gets the number of samples the baseline trained on.</summary>
    [JsonPropertyName("sampleCount")]
    public required int SampleCount { get; init; }

    /// <summary>Gets the SHA-256 of the sample indices, in order (<see cref="BaselineStore.HashIndices"/>).</summary>
    [JsonPropertyName("sampleIndicesSha256")]
    public required string SampleIndicesSha256 { get; init; }

    /// <summary>Gets the seed of initialisation and shuffling.</summary>
    [JsonPropertyName("seed")]
    public required int Seed { get; init; }

    /// <summary>Gets the number of training epochs.</summary>
    [JsonPropertyName("epochs")]
    public required int Epochs { get; init; }

    /// <summary>Gets the other training settings that shape the weights (optimizer, learning rate, batch size, ...), as name and value.</summary>
    [JsonPropertyName("training")]
    public IReadOnlyDictionary<string, string> Training { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
}
