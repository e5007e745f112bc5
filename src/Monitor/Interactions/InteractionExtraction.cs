using System.Text.Json.Serialization;
using Spindle.Monitor.Checks;

namespace Spindle.Monitor.Interactions;

/// <summary>
/// The result of one extraction: the interactions of several samples, extracted with one solver and
/// one salience threshold, with their per-order distributions (paper Eq. 6) and the normalisation Z (appendix K.3).
/// </summary>
/// <remarks>
/// Serialises to versioned JSON (<see cref="ToJson"/>, <see cref="Save"/>) with a <c>format</c> of
/// <see cref="FormatName"/> and a <c>version</c> of <see cref="CurrentVersion"/>; doubles round-trip exactly.
/// The per-sample fields <c>relativeGap</c> and <c>converged</c> were added to version 1 later: a file written
/// without them still reads, with both <see langword="null"/> (unknown), as does a missing <c>lowerBound</c>; readers
/// skip fields they do not know, so older readers read newer files too. The optional <c>provenance</c> object
/// (<see cref="Provenance"/>) was added to version 2 in the same way: it is written only when set, and a file
/// without it reads with <see cref="Provenance"/> <see langword="null"/>.
/// </remarks>
public sealed partial class InteractionExtraction
{
    /// <summary>The value of the <c>format</c> field of every file this type writes.</summary>
    public const string FormatName = "spindle.interactions";

    /// <summary>The version of the file layout this type writes and reads.</summary>
    public const int CurrentVersion = 2;

    /// <summary>Gets the file format name; always <see cref="FormatName"/>.</summary>
    [JsonPropertyName("format")]
    [JsonPropertyOrder(-2)]
    public string Format { get; init; } = FormatName;

    /// <summary>Gets the file layout version; always <see cref="CurrentVersion"/> for objects this library builds.</summary>
    [JsonPropertyName("version")]
    [JsonPropertyOrder(-1)]
    public int Version { get; init; } = CurrentVersion;

    /// <summary>Gets the number n of input variables; every sample has 2^n values.</summary>
    [JsonPropertyName("variableCount")]
    public required int VariableCount { get; init; }

    /// <summary>Gets the solver that produced the interactions.</summary>
    [JsonPropertyName("solver")]
    public required InteractionSolver Solver { get; init; }

    /// <summary>Gets qthres: each sample's noise bound is qthres · |v(x_N) - v(x_∅)|.</summary>
    [JsonPropertyName("noiseThreshold")]
    public required double NoiseThreshold { get; init; }

    /// <summary>Gets whether order-1 OR interactions were folded into the order-1 AND interactions of the same variable.</summary>
    [JsonPropertyName("firstOrderOrFolded")]
    public required bool FirstOrderOrFolded { get; init; }

    /// <summary>Gets the salience threshold τ (Table 1: 0.02 · E_x |v(x_N) - v(x_∅)| unless set explicitly).</summary>
    [JsonPropertyName("tau")]
    public required double Tau { get; init; }

    /// <summary>
    /// Gets Z (appendix K.3): the mean over samples of the summed |I| of salient order-1 AND interactions plus
    /// that of salient order-1 OR interactions. Zero when no order-1 interaction is salient.
    /// </summary>
    [JsonPropertyName("normalization")]
    public required double Normalization { get; init; }

    /// <summary>
    /// Gets E_x A^(m),± for m = 1..n (paper Eq. 6, element m - 1), AND and OR together, averaged over the
    /// samples, computed from <see cref="Samples"/> and <see cref="Tau"/> by
    /// <see cref="Decomposition.InteractionDistributions"/>; <see langword="null"/> when n = 0 or there are no samples.
    /// </summary>
    /// <remarks>Divide by <see cref="Normalization"/> to compare checks over training (appendix K.3). Not written to JSON.</remarks>
    [JsonIgnore]
    public Decomposition.OrderDistribution? Distribution =>
        VariableCount == 0 || Samples.Count == 0
            ? null
            : Decomposition.InteractionDistributions.Compute(Samples.Select(s => s.And).ToArray(), Samples.Select(s => s.Or).ToArray(), Tau);

    /// <summary>
    /// Gets where the outputs came from (model, run, checkpoint, split, sample indices, variables and their seed,
    /// masking), or <see langword="null"/> when unknown (outputs computed elsewhere, or a file written without it).
    /// </summary>
    /// <remarks>Compare two extractions' provenance before comparing their interactions sample by sample.</remarks>
    [JsonPropertyName("provenance")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CheckProvenance? Provenance { get; init; }

    /// <summary>Gets the per-sample interactions, in the order the outputs were given.</summary>
    [JsonPropertyName("samples")]
    public required IReadOnlyList<SampleInteractions> Samples { get; init; }

    /// <summary>
    /// Gets whether the solver converged on every sample (<see cref="SampleInteractions.Converged"/>):
    /// <see langword="false"/> when at least one sample stopped at the iteration cap, <see langword="true"/> when every
    /// sample converged, and <see langword="null"/> otherwise (some sample's convergence is unknown: the reference
    /// solver, or a file written before the field existed).
    /// </summary>
    /// <remarks>Derived from <see cref="Samples"/>; not written to JSON.</remarks>
    [JsonIgnore]
    public bool? AllConverged => ConvergenceOf(Samples);

    /// <summary>Summarises per-sample convergence: false if any sample stopped at the cap, true if all converged, otherwise null.</summary>
    /// <param name="samples">The samples.</param>
    /// <returns>The summary.</returns>
    internal static bool? ConvergenceOf(IReadOnlyList<SampleInteractions> samples) =>
        samples.Any(s => s.Converged == false) ? false
        : samples.All(s => s.Converged == true) ? true
        : null;

    /// <summary>Returns a copy of this extraction with another provenance; the samples are shared, not copied.</summary>
    /// <param name="provenance">The provenance, or <see langword="null"/> for none.</param>
    /// <returns>The copy.</returns>
    public InteractionExtraction WithProvenance(CheckProvenance? provenance) => new()
    {
        Format = Format,
        Version = Version,
        VariableCount = VariableCount,
        Solver = Solver,
        NoiseThreshold = NoiseThreshold,
        FirstOrderOrFolded = FirstOrderOrFolded,
        Tau = Tau,
        Normalization = Normalization,
        Provenance = provenance,
        Samples = Samples,
    };

    /// <summary>Gets the largest <see cref="SampleInteractions.RelativeGap"/> over the samples, or <see langword="null"/> when a sample has none.</summary>
    /// <remarks>Derived from <see cref="Samples"/>; not written to JSON.</remarks>
    [JsonIgnore]
    public double? MaxRelativeGap =>
        Samples.Count > 0 && Samples.All(s => s.RelativeGap is not null) ? Samples.Max(s => s.RelativeGap!.Value) : null;
}
