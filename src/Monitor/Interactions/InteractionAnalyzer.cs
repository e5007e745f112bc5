using System.Globalization;

namespace Spindle.Monitor.Interactions;

/// <summary>
/// Extracts AND-OR interactions from the 2^n masked outputs of each sample (paper section 2.1, appendices D and F)
/// and summarises them per order (Eq. 6) with the normalisation of appendix K.3.
/// </summary>
public static class InteractionAnalyzer
{
    /// <summary>Vectors of 2^n doubles the analysis of one sample holds at once (solver workspace and results).</summary>
    internal const int WorkingVectors = 24;

    /// <summary>Extracts the interactions of every sample.</summary>
    /// <param name="outputs">Per sample, v(x_T) for all 2^n masks T, indexed by bitmask.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <returns>The extraction.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="outputs"/> or one of its samples is null.</exception>
    /// <exception cref="ArgumentException">
    /// No samples; a sample's length is not a power of two or differs from the first; n exceeds
    /// <see cref="InteractionAnalysisOptions.MaxVariables"/>; an output is NaN or infinite. All checked before any work.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static InteractionExtraction Analyze(IReadOnlyList<double[]> outputs, InteractionAnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        options ??= new InteractionAnalysisOptions();
        options.Validate();
        var n = ValidateOutputs(outputs, options.MaxVariables);
        var size = 1 << n;
        var full = size - 1;

        var admm = options.Solver == InteractionSolver.Exact ? new AdmmSolver(n) : null;
        var reference = options.Solver == InteractionSolver.Reference ? new ReferenceSolver(n) : null;
        var uAnd = new double[size];

        var samples = new SampleInteractions[outputs.Count];
        var meanSpan = 0.0;
        for (var index = 0; index < outputs.Count; index++)
        {
            var values = outputs[index];
            var span = Math.Abs(values[full] - values[0]);
            meanSpan += span / outputs.Count;
            var zeta = options.NoiseThreshold * span;
            var gamma = new double[size];
            var delta = new double[size];
            var and = new double[size];
            var or = new double[size];
            double? lowerBound = null;
            bool? converged = null;
            int iterations;
            if (admm is not null)
            {
                var result = admm.Solve(values, zeta, options.MaxIterations, options.RelativeGap, and, delta);
                lowerBound = result.LowerBound;
                iterations = result.Iterations;
                converged = result.Converged;
                GammaFromAnd(values, and, delta, gamma, uAnd, n);
            }
            else
            {
                reference!.Solve(values, zeta, options.LearningRate, options.ReferenceIterations, options.Momentum, gamma, delta);
                iterations = options.ReferenceIterations;
            }

            InteractionTransforms.Decompose(values, gamma, delta, and, or, n);
            if (options.FoldFirstOrderOr)
            {
                for (var i = 0; i < n; i++)
                {
                    and[1 << i] += or[1 << i];
                    or[1 << i] = 0;
                }

                GammaFromAnd(values, and, delta, gamma, uAnd, n);
                InteractionTransforms.Decompose(values, gamma, delta, and, or, n);

                // What the re-decomposition leaves in the folded entries is float64 round-off only.
                for (var i = 0; i < n; i++)
                {
                    or[1 << i] = 0;
                }
            }

            var objective = 0.0;
            for (var s = 1; s < size; s++)
            {
                objective += Math.Abs(and[s]) + Math.Abs(or[s]);
            }

            // Folding never raises the objective, so the solver's certificate still holds for the reported objective.
            double? bound = lowerBound is { } lb ? Math.Min(lb, objective) : null;
            samples[index] = new SampleInteractions
            {
                Values = (double[])values.Clone(),
                And = and,
                Or = or,
                Gamma = gamma,
                Delta = delta,
                NoiseBound = zeta,
                Objective = objective,
                LowerBound = bound,
                RelativeGap = bound is { } b ? (objective > 0 ? (objective - b) / objective : 0) : null,
                Converged = converged,
                Iterations = iterations,
                SalientAnd = [],
                SalientOr = [],
            };
        }

        var tau = options.Tau ?? (options.SalienceFactor * meanSpan);
        return Summarize(samples, n, tau, options);
    }

    /// <summary>γ_T = u_AND(T) - 0.5 (v_T - δ_T) with u_AND = SubsetSum(I_AND) (γ_∅ = 0).</summary>
    private static void GammaFromAnd(double[] values, double[] and, double[] delta, double[] gamma, double[] scratch, int n)
    {
        and.CopyTo(scratch, 0);
        scratch[0] = values[0] - delta[0];
        SubsetTransforms.ApplyKronecker(scratch, n, 1, 0, 1, 1);
        for (var t = 1; t < gamma.Length; t++)
        {
            gamma[t] = scratch[t] - (0.5 * (values[t] - delta[t]));
        }

        gamma[0] = 0;
    }

    private static InteractionExtraction Summarize(SampleInteractions[] raw, int n, double tau, InteractionAnalysisOptions options)
    {
        var size = 1 << n;
        var samples = new SampleInteractions[raw.Length];
        for (var index = 0; index < raw.Length; index++)
        {
            var sample = raw[index];
            samples[index] = new SampleInteractions
            {
                Values = sample.Values,
                And = sample.And,
                Or = sample.Or,
                Gamma = sample.Gamma,
                Delta = sample.Delta,
                NoiseBound = sample.NoiseBound,
                Objective = sample.Objective,
                LowerBound = sample.LowerBound,
                RelativeGap = sample.RelativeGap,
                Converged = sample.Converged,
                Iterations = sample.Iterations,
                SalientAnd = Salient(sample.And, size, tau),
                SalientOr = Salient(sample.Or, size, tau),
            };
        }

        return new InteractionExtraction
        {
            VariableCount = n,
            Solver = options.Solver,
            NoiseThreshold = options.NoiseThreshold,
            FirstOrderOrFolded = options.FoldFirstOrderOr,
            Tau = tau,
            Normalization = n == 0 ? 0 : Decomposition.InteractionDistributions.NormalizationConstant(raw.Select(s => s.And).ToArray(), raw.Select(s => s.Or).ToArray(), tau),
            Samples = samples,
        };
    }

    private static int[] Salient(double[] interactions, int size, double tau)
    {
        var salient = new List<int>();
        for (var s = 1; s < size; s++)
        {
            if (Math.Abs(interactions[s]) > tau)
            {
                salient.Add(s);
            }
        }

        return [.. salient];
    }

    private static int ValidateOutputs(IReadOnlyList<double[]> outputs, int maxVariables)
    {
        if (outputs.Count == 0)
        {
            throw new ArgumentException("No samples: expected at least one array of 2^n outputs.", nameof(outputs));
        }

        var first = outputs[0] ?? throw new ArgumentNullException(nameof(outputs), "Sample 0 is null.");
        var length = first.Length;
        if (length == 0 || (length & (length - 1)) != 0)
        {
            throw new ArgumentException($"Sample 0 has {length} outputs, which is not a power of two: expected 2^n outputs, one per mask.", nameof(outputs));
        }

        var n = System.Numerics.BitOperations.Log2((uint)length);
        if (n > maxVariables)
        {
            var bytes = (long)WorkingVectors * sizeof(double) << n;
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Sample 0 has 2^{n} outputs (n = {n} variables), above MaxVariables = {maxVariables}; the analysis of one sample at n = {n} needs about {bytes:N0} bytes ({WorkingVectors} vectors of 2^{n} doubles)."),
                nameof(outputs));
        }

        for (var index = 0; index < outputs.Count; index++)
        {
            var values = outputs[index] ?? throw new ArgumentNullException(nameof(outputs), $"Sample {index} is null.");
            if (values.Length != length)
            {
                throw new ArgumentException($"Sample {index} has {values.Length} outputs but sample 0 has {length}: every sample needs 2^{n} outputs.", nameof(outputs));
            }

            for (var mask = 0; mask < length; mask++)
            {
                if (!double.IsFinite(values[mask]))
                {
                    throw new ArgumentException($"Sample {index}, mask {mask} ({SubsetTransforms.Describe(mask)}): the output is {values[mask]}; every output must be finite.", nameof(outputs));
                }
            }
        }

        return n;
    }
}
