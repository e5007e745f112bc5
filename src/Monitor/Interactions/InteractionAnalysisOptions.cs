using System.ComponentModel.DataAnnotations;

namespace Spindle.Monitor.Interactions;

/// <summary>Options of <see cref="InteractionAnalyzer.Analyze"/>.</summary>
public sealed class InteractionAnalysisOptions
{
    /// <summary>Gets or sets the solver.</summary>
    /// <value>The default value is <see cref="InteractionSolver.Exact"/>.</value>
    public InteractionSolver Solver { get; set; } = InteractionSolver.Exact;

    /// <summary>Gets or sets qthres: each sample's noise terms satisfy |δ_T| ≤ qthres · |v(x_N) - v(x_∅)|.</summary>
    /// <value>The default value is 0.02. Zero disables the noise term.</value>
    [Range(0.0, 1.0)]
    public double NoiseThreshold { get; set; } = InteractionDefaults.NoiseThreshold;

    /// <summary>Gets or sets the factor of the salience threshold τ = factor · E_x |v(x_N) - v(x_∅)| (paper Table 1).</summary>
    /// <value>The default value is 0.02.</value>
    [Range(0.0, double.MaxValue)]
    public double SalienceFactor { get; set; } = InteractionDefaults.SalienceFactor;

    /// <summary>
    /// Gets or sets a fixed salience threshold τ that replaces the one computed from the samples, for instance
    /// to compare checks over training with one threshold.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (compute τ from <see cref="SalienceFactor"/>).</value>
    public double? Tau { get; set; }

    /// <summary>
    /// Gets or sets whether an order-1 OR interaction is folded into the order-1 AND interaction of the same variable.
    /// They have the same trigger, so the split between them is arbitrary; folding keeps universal matching and
    /// never increases the objective.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool FoldFirstOrderOr { get; set; } = true;

    /// <summary>Gets or sets the largest number of variables n accepted; larger inputs are rejected before any work.</summary>
    /// <value>The default value is 20.</value>
    [Range(0, SubsetTransforms.MaxVariables)]
    public int MaxVariables { get; set; } = InteractionDefaults.MaxVariables;

    /// <summary>Gets or sets the relative duality gap (upper minus lower bound, over upper bound) at which the exact solver stops.</summary>
    /// <value>The default value is 4e-3: the reported objective is certified within 0.4% of the optimum.</value>
    [Range(0.0, 1.0)]
    public double RelativeGap { get; set; } = InteractionDefaults.RelativeGap;

    /// <summary>Gets or sets the iteration cap of the exact solver.</summary>
    /// <value>The default value is 20,000.</value>
    [Range(1, int.MaxValue)]
    public int MaxIterations { get; set; } = InteractionDefaults.MaxIterations;

    /// <summary>Gets or sets the reference solver's initial learning rate; it decays log-uniformly to a tenth of it.</summary>
    /// <value>The default value is 1e-4.</value>
    [Range(0.0, double.MaxValue)]
    public double LearningRate { get; set; } = InteractionDefaults.LearningRate;

    /// <summary>Gets or sets the reference solver's number of iterations.</summary>
    /// <value>The default value is 10,000.</value>
    [Range(1, int.MaxValue)]
    public int ReferenceIterations { get; set; } = InteractionDefaults.ReferenceIterations;

    /// <summary>Gets or sets the reference solver's momentum.</summary>
    /// <value>The default value is 0.9.</value>
    [Range(0.0, 1.0)]
    public double Momentum { get; set; } = InteractionDefaults.Momentum;

    /// <summary>Checks every option and throws on the first invalid one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Solver))
        {
            throw new ArgumentOutOfRangeException(nameof(Solver), Solver, "Unknown solver.");
        }

        CheckRange(NoiseThreshold, 0, 1, nameof(NoiseThreshold));
        CheckRange(SalienceFactor, 0, double.MaxValue, nameof(SalienceFactor));
        if (Tau is { } tau)
        {
            CheckRange(tau, 0, double.MaxValue, nameof(Tau));
        }

        if (MaxVariables < 0 || MaxVariables > SubsetTransforms.MaxVariables)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxVariables), MaxVariables, $"MaxVariables must be in 0..{SubsetTransforms.MaxVariables}.");
        }

        CheckRange(RelativeGap, 0, 1, nameof(RelativeGap));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIterations, 1);
        CheckRange(LearningRate, 0, double.MaxValue, nameof(LearningRate));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReferenceIterations, 1);
        CheckRange(Momentum, 0, 1, nameof(Momentum));
    }

    private static void CheckRange(double value, double min, double max, string name)
    {
        if (!(value >= min && value <= max))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{min}, {max}], got {value}.");
        }
    }
}
