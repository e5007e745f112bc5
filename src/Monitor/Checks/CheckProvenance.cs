using System.Text.Json.Serialization;

namespace Spindle.Monitor.Checks;

/// <summary>Where a check's numbers come from: the model or run, the checkpoint, the probes and the variables.</summary>
/// <remarks>Every field is optional; fill in what identifies the check for whoever reads it later.</remarks>
public sealed record CheckProvenance
{
    /// <summary>Gets the model name (for example <c>cnn</c>).</summary>
    [JsonPropertyName("model")]
    public string? Model { get; init; }

    /// <summary>Gets the run folder or run identifier.</summary>
    [JsonPropertyName("run")]
    public string? Run { get; init; }

    /// <summary>Gets the checkpoint file the weights came from.</summary>
    [JsonPropertyName("checkpoint")]
    public string? Checkpoint { get; init; }

    /// <summary>Gets the epoch the weights belong to (completed epochs).</summary>
    [JsonPropertyName("epoch")]
    public int? Epoch { get; init; }

    /// <summary>Gets the optimizer step the weights belong to.</summary>
    [JsonPropertyName("step")]
    public long? Step { get; init; }

    /// <summary>Gets the data split the probes come from (for example <c>train</c>).</summary>
    [JsonPropertyName("split")]
    public string? Split { get; init; }

    /// <summary>Gets the indices of the probe samples in that split.</summary>
    [JsonPropertyName("sampleIndices")]
    public IReadOnlyList<int>? SampleIndices { get; init; }

    /// <summary>Gets how the input variables are defined (for example <c>input patches 4x4, n = 8</c>).</summary>
    [JsonPropertyName("variables")]
    public string? Variables { get; init; }

    /// <summary>Gets the seed the variables were drawn with.</summary>
    [JsonPropertyName("variableSeed")]
    public int? VariableSeed { get; init; }

    /// <summary>Gets the masking (for example <c>input</c> or <c>feature-map</c>) and baseline.</summary>
    [JsonPropertyName("masking")]
    public string? Masking { get; init; }

    /// <summary>Returns a copy with the epoch and step of one check.</summary>
    /// <param name="epoch">The epoch, or <see langword="null"/> to keep this one's.</param>
    /// <param name="step">The step, or <see langword="null"/> to keep this one's.</param>
    /// <returns>The copy.</returns>
    public CheckProvenance At(int? epoch, long? step) => this with { Epoch = epoch ?? Epoch, Step = step ?? Step };
}
