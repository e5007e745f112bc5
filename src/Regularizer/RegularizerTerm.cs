using static TorchSharp.torch;

namespace Spindle.Regularizer;

/// <summary>The interaction term of one training step and what it penalised.</summary>
/// <remarks>
/// Counts and strengths are over the step's samples, AND and OR interactions together, subsets S ≠ ∅. Strengths are
/// sums of |I_S| of the model's interactions (detached). The generalizable share of the paper's appendix J is
/// <see cref="GeneralizableStrength"/> / <see cref="SalientStrength"/>.
/// </remarks>
public sealed class RegularizerTerm
{
    /// <summary>Gets the loss term <see cref="Weight"/> · <see cref="Penalty"/> as a scalar tensor with gradients; add it to the loss before <c>backward()</c>.</summary>
    /// <remarks>It lives in the dispose scope that was current when the term was computed.</remarks>
    public required Tensor Loss { get; init; }

    /// <summary>Gets the weight λ · min(1, (t + 1) / W) applied at this step.</summary>
    public required double Weight { get; init; }

    /// <summary>Gets the unweighted penalty (1/m) Σ_x Σ_S |I_S(x)| over the penalised interactions.</summary>
    public required double Penalty { get; init; }

    /// <summary>Gets the number m of samples whose interactions were penalised.</summary>
    public required int SampleCount { get; init; }

    /// <summary>Gets the salience threshold τ of this step (0.02 · mean over its samples of |v(x_N) - v(x_∅)|, unless set in the analysis options).</summary>
    public required double Tau { get; init; }

    /// <summary>Gets the number of salient interactions.</summary>
    public required int SalientCount { get; init; }

    /// <summary>Gets the number of salient interactions that some baseline has salient with the same sign.</summary>
    public required int GeneralizableCount { get; init; }

    /// <summary>Gets the number of penalised interactions: salient and not generalizable.</summary>
    public int PenalizedCount => SalientCount - GeneralizableCount;

    /// <summary>Gets Σ |I_S| over the salient interactions.</summary>
    public required double SalientStrength { get; init; }

    /// <summary>Gets Σ |I_S| over the generalizable salient interactions.</summary>
    public required double GeneralizableStrength { get; init; }

    /// <summary>Gets the seconds the step spent on the term before its backward pass (masked passes, extraction, baselines).</summary>
    public required double Seconds { get; init; }
}
