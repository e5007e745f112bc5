using System.Text.Json.Serialization;

namespace Spindle.Regularizer.Baselines;

/// <summary>The record a <see cref="BaselineStore"/> writes beside each saved baseline model.</summary>
public sealed record BaselineRecord
{
    /// <summary>The value of <see cref="Format"/> in every record.</summary>
    public const string FormatName = "spindle.baseline";

    /// <summary>Gets the format name; always <see cref="FormatName"/>.</summary>
    [JsonPropertyName("format")]
    public string Format { get; init; } = FormatName;

    /// <summary>Gets where the model came from.</summary>
    [JsonPropertyName("provenance")]
    public required BaselineProvenance Provenance { get; init; }

    /// <summary>Gets the file name of the weights (TorchSharp's <c>Module.save</c> format), beside the record.</summary>
    [JsonPropertyName("weights")]
    public required string Weights { get; init; }

    /// <summary>Gets the model's accuracy on its own training split at the end of training, when measured.</summary>
    [JsonPropertyName("trainAccuracy")]
    public double? TrainAccuracy { get; init; }

    /// <summary>Gets when the model was saved (UTC).</summary>
    [JsonPropertyName("savedUtc")]
    public DateTime SavedUtc { get; init; }
}
