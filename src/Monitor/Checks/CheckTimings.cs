using System.Text.Json.Serialization;

namespace Spindle.Monitor.Checks;

/// <summary>Where a check spent its time, in seconds.</summary>
/// <param name="ExtractionSeconds">Masked forward passes and the AND-OR solver (0 when the check started from a saved extraction).</param>
/// <param name="FitSeconds">Distributions and the decomposition fit.</param>
/// <param name="BootstrapSeconds">The bootstrap replicates.</param>
public sealed record CheckTimings(
    [property: JsonPropertyName("extractionSeconds")] double ExtractionSeconds,
    [property: JsonPropertyName("fitSeconds")] double FitSeconds,
    [property: JsonPropertyName("bootstrapSeconds")] double BootstrapSeconds)
{
    /// <summary>Gets the whole check's time.</summary>
    [JsonIgnore]
    public double TotalSeconds => ExtractionSeconds + FitSeconds + BootstrapSeconds;
}
