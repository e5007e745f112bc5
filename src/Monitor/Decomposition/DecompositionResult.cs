namespace Spindle.Monitor.Decomposition;

/// <summary>
/// The fitted decomposition of Eq. 10: A ≈ A_decay(δ, γ) + A_spindle(α, β), with the per-order
/// curves, residuals and goodness of fit.
/// </summary>
public sealed class DecompositionResult
{
    /// <summary>Initializes a new instance of the <see cref="DecompositionResult"/> class.</summary>
    /// <param name="alpha">α of the spindle.</param>
    /// <param name="beta">β of the spindle.</param>
    /// <param name="delta">δ of the decay; <see langword="null"/> for a decay without δ (<see cref="DecayShape.Monotone"/>).</param>
    /// <param name="gamma">γ of the decay; <see langword="null"/> likewise.</param>
    /// <param name="data">The fitted distribution A.</param>
    /// <param name="decay">A_decay(δ, γ).</param>
    /// <param name="spindle">A_spindle(α, β).</param>
    public DecompositionResult(double alpha, double beta, double? delta, double? gamma, OrderDistribution data, OrderDistribution decay, OrderDistribution spindle)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(decay);
        ArgumentNullException.ThrowIfNull(spindle);
        if (decay.VariableCount != data.VariableCount || spindle.VariableCount != data.VariableCount)
        {
            throw new ArgumentException($"Data, decay and spindle must span the same orders; got {data.VariableCount}, {decay.VariableCount}, {spindle.VariableCount}.", nameof(data));
        }

        Alpha = alpha;
        Beta = beta;
        Delta = delta;
        Gamma = gamma;
        Data = data;
        Decay = decay;
        Spindle = spindle;
        var n = data.VariableCount;
        ResidualPositive = new double[n];
        ResidualNegative = new double[n];
        double sse = 0, sum = 0, sumSquares = 0;
        for (var i = 0; i < n; i++)
        {
            var rp = decay.Positive[i] + spindle.Positive[i] - data.Positive[i];
            var rn = decay.Negative[i] + spindle.Negative[i] - data.Negative[i];
            ResidualPositive[i] = Math.Abs(rp);
            ResidualNegative[i] = Math.Abs(rn);
            sse += (rp * rp) + (rn * rn);
            sum += data.Positive[i] + data.Negative[i];
            sumSquares += (data.Positive[i] * data.Positive[i]) + (data.Negative[i] * data.Negative[i]);
        }

        SumOfSquares = sse;
        var total = sumSquares - (sum * sum / (2 * n));
        RSquared = total > 0 ? 1 - (sse / total) : (sse == 0 ? 1 : 0);
    }

    /// <summary>Gets α, the fraction of variables taking part in non-generalizable interactions (Eq. 7).</summary>
    public double Alpha { get; }

    /// <summary>Gets β, the scale of the spindle (Eq. 7).</summary>
    public double Beta { get; }

    /// <summary>Gets δ, the noise variance of Theorem 3.1 that shapes the decay (Eq. 8); <see langword="null"/> for <see cref="DecayShape.Monotone"/>.</summary>
    public double? Delta { get; }

    /// <summary>Gets γ, the scale of the decay (Eq. 9); <see langword="null"/> for <see cref="DecayShape.Monotone"/>.</summary>
    public double? Gamma { get; }

    /// <summary>Gets the family the decay part was fitted in.</summary>
    public DecayShape Shape { get; init; } = DecayShape.NoiseOperator;

    /// <summary>Gets the smallest α the fit could choose (for <see cref="Warnings"/>).</summary>
    public double MinAlpha { get; init; } = DecompositionDefaults.MinAlpha;

    /// <summary>Gets the smallest δ the fit could choose, for <see cref="DecayShape.NoiseOperator"/>; <see langword="null"/> otherwise.</summary>
    public double? MinDelta { get; init; }

    /// <summary>Gets the largest δ the fit could choose, for <see cref="DecayShape.NoiseOperator"/>; <see langword="null"/> otherwise.</summary>
    public double? MaxDelta { get; init; }

    /// <summary>Gets the warnings that say where the fit sits at a bound of its search (a δ held fixed has no bound) or fits poorly.</summary>
    public FitWarnings Warnings
    {
        get
        {
            const double relative = 1e-6;
            var flags = FitWarnings.None;
            if (Beta > 0 && Alpha <= MinAlpha * (1 + relative))
            {
                flags |= FitWarnings.AlphaAtLowerBound;
            }

            if (Beta > 0 && Alpha >= 1 - relative)
            {
                flags |= FitWarnings.AlphaAtUpperBound;
            }

            if (Delta is { } delta && MinDelta is { } minDelta && MaxDelta > minDelta && delta <= minDelta * (1 + relative))
            {
                flags |= FitWarnings.DeltaAtLowerBound;
            }

            if (Delta is { } d && MaxDelta is { } maxDelta && maxDelta > MinDelta && d >= maxDelta * (1 - relative))
            {
                flags |= FitWarnings.DeltaAtUpperBound;
            }

            if (RSquared < DecompositionDefaults.PoorFitRSquared)
            {
                flags |= FitWarnings.PoorFit;
            }

            return flags;
        }
    }

    /// <summary>Gets the fitted data distribution A^(m),±.</summary>
    public OrderDistribution Data { get; }

    /// <summary>Gets the decay-shaped part A_decay^(m),± (generalizable).</summary>
    public OrderDistribution Decay { get; }

    /// <summary>Gets the spindle-shaped part A_spindle^(m),± (non-generalizable).</summary>
    public OrderDistribution Spindle { get; }

    /// <summary>Gets A_residual^(m),+ = |A_theory^(m),+ - A^(m),+| for m = 1..n (Section 3.4).</summary>
    public double[] ResidualPositive { get; }

    /// <summary>Gets A_residual^(m),- = |A_theory^(m),- - A^(m),-| for m = 1..n.</summary>
    public double[] ResidualNegative { get; }

    /// <summary>Gets the objective of Eq. 10 at the fit: Σ_m (A^(m),+ - A_theory^(m),+)² + (A^(m),- - A_theory^(m),-)².</summary>
    public double SumOfSquares { get; }

    /// <summary>Gets R² = 1 - SSE / SST over the 2n values A^(m),±, SST taken about their mean.</summary>
    public double RSquared { get; }

    /// <summary>Gets the spindle mass Σ_m A_spindle^(m),+ + |A_spindle^(m),-|.</summary>
    public double SpindleMass => Spindle.Mass;

    /// <summary>Gets the decay mass Σ_m A_decay^(m),+ + |A_decay^(m),-|.</summary>
    public double DecayMass => Decay.Mass;

    /// <summary>Gets the residual mass Σ_m A_residual^(m),+ + A_residual^(m),-.</summary>
    public double ResidualMass => ResidualPositive.Sum() + ResidualNegative.Sum();

    /// <summary>Gets the summary numbers on the scale of Z (appendix K.3).</summary>
    /// <param name="z">Z, the mean salient first-order strength (<see cref="InteractionDistributions.NormalizationConstant"/>), &gt; 0.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Z is not positive.</exception>
    public DecompositionSummary Summarize(double z)
    {
        if (!(z > 0) || !double.IsFinite(z))
        {
            throw new ArgumentOutOfRangeException(nameof(z), z, "Z must be positive and finite (no salient first-order interaction?).");
        }

        var total = SpindleMass + DecayMass;
        return new DecompositionSummary(
            SpindleMass / z,
            DecayMass / z,
            total > 0 ? SpindleMass / total : 0,
            ResidualMass / z,
            Data.Mass / z,
            RSquared,
            z);
    }
}
