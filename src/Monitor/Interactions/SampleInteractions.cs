using System.Text.Json.Serialization;

namespace Spindle.Monitor.Interactions;

/// <summary>The AND-OR interactions extracted from the 2^n masked outputs of one sample.</summary>
/// <remarks>
/// Every array of length 2^n is indexed by subset bitmask (bit i set: variable i present).
/// The decomposition follows paper Eq. 14-18 with the conventions of DESIGN.md:
/// u_AND(T) = 0.5 (v(x_T) - δ_T) + γ_T and u_OR(T) = 0.5 (v(x_T) - δ_T) - γ_T for T ≠ ∅,
/// u_AND(∅) = v(x_∅) - δ_∅, u_OR(∅) = 0; I_AND = Möbius(u_AND), I_OR(S) = -Möbius(w)(S) with
/// w(T) = u_OR(N \ T). Universal matching (Theorem 2.1) then holds for every T:
/// v(x_T) - δ_T = I_AND(∅) + Σ_{∅≠S⊆T} I_AND(S) + Σ_{S∩T≠∅} I_OR(S).
/// </remarks>
public sealed class SampleInteractions
{
    /// <summary>Gets the model outputs v(x_T) on all 2^n masks.</summary>
    [JsonPropertyName("values")]
    public required double[] Values { get; init; }

    /// <summary>Gets the AND interactions I_AND(S); entry 0 is the bias v(x_∅) - δ_∅.</summary>
    [JsonPropertyName("and")]
    public required double[] And { get; init; }

    /// <summary>
    /// Gets the OR interactions I_OR(S). Entry 0 is always 0: an OR interaction of the empty set is
    /// never triggered, so it carries no information and is stored as zero.
    /// </summary>
    [JsonPropertyName("or")]
    public required double[] Or { get; init; }

    /// <summary>Gets the split parameters γ_T (γ_∅ is 0: the empty-set output belongs to AND).</summary>
    [JsonPropertyName("gamma")]
    public required double[] Gamma { get; init; }

    /// <summary>Gets the noise terms δ_T, each within ±<see cref="NoiseBound"/>.</summary>
    [JsonPropertyName("delta")]
    public required double[] Delta { get; init; }

    /// <summary>Gets the noise bound ζ = qthres · |v(x_N) - v(x_∅)| of this sample.</summary>
    [JsonPropertyName("noiseBound")]
    public required double NoiseBound { get; init; }

    /// <summary>Gets the sparsity objective Σ_{S≠∅} |I_AND(S)| + |I_OR(S)| of the reported interactions.</summary>
    [JsonPropertyName("objective")]
    public required double Objective { get; init; }

    /// <summary>
    /// Gets a certified lower bound on the optimal objective (from a feasible point of the dual linear
    /// program), or <see langword="null"/> when the solver gives none (the reference solver).
    /// </summary>
    [JsonPropertyName("lowerBound")]
    public double? LowerBound { get; init; }

    /// <summary>
    /// Gets the certified relative gap (<see cref="Objective"/> - <see cref="LowerBound"/>) / <see cref="Objective"/>
    /// (0 when the objective is 0): the reported objective is at most this fraction above the optimum. <see langword="null"/>
    /// when there is no lower bound (the reference solver, or a file written before this field existed).
    /// </summary>
    [JsonPropertyName("relativeGap")]
    public double? RelativeGap { get; init; }

    /// <summary>
    /// Gets whether the solver stopped on its convergence criterion: for the exact solver, whether the certified gap
    /// reached <see cref="InteractionAnalysisOptions.RelativeGap"/> before the iteration cap
    /// (<see cref="InteractionAnalysisOptions.MaxIterations"/>); <see langword="false"/> means the cap stopped it and
    /// <see cref="RelativeGap"/> is the gap it achieved instead.
    /// </summary>
    /// <remarks>
    /// <see langword="null"/> means unknown: the reference solver runs a fixed number of SGD steps and has no
    /// certificate of how far its objective is from the optimum, so it never claims convergence; files written
    /// before this field existed also read as <see langword="null"/>.
    /// </remarks>
    [JsonPropertyName("converged")]
    public bool? Converged { get; init; }

    /// <summary>Gets the number of solver iterations used.</summary>
    [JsonPropertyName("iterations")]
    public required int Iterations { get; init; }

    /// <summary>Gets the bitmasks S ≠ ∅ with |I_AND(S)| &gt; τ, in increasing order.</summary>
    [JsonPropertyName("salientAnd")]
    public required int[] SalientAnd { get; init; }

    /// <summary>Gets the bitmasks S ≠ ∅ with |I_OR(S)| &gt; τ, in increasing order.</summary>
    [JsonPropertyName("salientOr")]
    public required int[] SalientOr { get; init; }
}
