namespace Spindle.Monitor.Decomposition;

/// <summary>
/// Fits A = decay + spindle with the decay part constrained to be non-increasing in order on each
/// sign (Claim 1: generalizable interactions weaken with order) and the spindle of Eq. 7, choosing
/// the smallest spindle that fits as well as any: the spindle is the part of A that no
/// decreasing curve can explain.
/// </summary>
/// <remarks>
/// <para>
/// For fixed α the objective f(β) = min over decay D of Σ_m (A^(m),+ - D^(m),+ - β s_m)² +
/// (|A^(m),-| - D^(m),- - β s_m)², D^± non-increasing and ≥ 0, is convex in β; the inner
/// minimum is two isotonic regressions. f is flat wherever the data minus the spindle is already
/// decreasing (in particular for every α whose spindle is itself decreasing), so the fit takes the
/// smallest β within a relative tolerance of the minimum, and over α the smallest spindle mass among
/// the best residuals. A decreasing function therefore gets no spindle at all, whatever its sign
/// pattern, and the result does not depend on a δ: there is no basin to flip between.
/// </para>
/// <para>
/// This is not the paper's decay family (Eq. 8-9, M(δ) I*), which is degenerate when I* are the
/// fitted interactions themselves; see docs/decomposition.md for the comparison on generators and
/// real training runs. <see cref="DecompositionResult.Delta"/> and <see cref="DecompositionResult.Gamma"/>
/// are <see langword="null"/> for this fit.
/// </para>
/// <para>Instances are not thread-safe (they share scratch buffers).</para>
/// </remarks>
public sealed class MonotoneDecompositionFitter
{
    private const double RelativeTolerance = 1e-12;

    private readonly int _n;
    private readonly double[] _alphaGrid;
    private readonly double[][] _spindleUnit;
    private readonly double[] _shiftedPositive;
    private readonly double[] _shiftedNegative;
    private readonly double[] _projection;
    private readonly double[] _blockSums;
    private readonly int[] _blockCounts;
    private readonly double[] _spindle;

    /// <summary>Initializes a new instance of the <see cref="MonotoneDecompositionFitter"/> class.</summary>
    /// <param name="variableCount">n, the number of orders.</param>
    /// <param name="options">The options (α range and grid); <see langword="null"/> for the defaults. Read once, not kept.</param>
    /// <exception cref="ArgumentOutOfRangeException">n is below 1 or the options are inconsistent.</exception>
    public MonotoneDecompositionFitter(int variableCount, DecompositionFitOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(variableCount, 1);
        options ??= new DecompositionFitOptions();
        options.Validate();
        _n = variableCount;
        Refine = options.Refine;
        (_alphaGrid, _spindleUnit) = SpindleCurve.UnitGrid(_n, options.MinAlpha, options.AlphaGridSize);

        _shiftedPositive = new double[_n];
        _shiftedNegative = new double[_n];
        _projection = new double[_n];
        _blockSums = new double[_n];
        _blockCounts = new int[_n];
        _spindle = new double[_n];
    }

    private bool Refine { get; }

    /// <summary>Fits the decomposition to A.</summary>
    /// <param name="data">A^(m),± over n orders.</param>
    /// <returns>The fit; δ and γ are <see langword="null"/>.</returns>
    /// <exception cref="ArgumentException">The data span a different number of orders.</exception>
    public DecompositionResult Fit(OrderDistribution data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.VariableCount != _n)
        {
            throw new ArgumentException($"The data span {data.VariableCount} orders but the fitter was built for n = {_n}.", nameof(data));
        }

        var scale = 0.0;
        for (var i = 0; i < _n; i++)
        {
            scale += (data.Positive[i] * data.Positive[i]) + (data.Negative[i] * data.Negative[i]);
        }

        var tolerance = RelativeTolerance * Math.Max(scale, double.Epsilon);
        var bestAlpha = _alphaGrid[0];
        var bestBeta = 0.0;
        var bestResidual = Residual(data, _spindleUnit[0], 0);
        var bestMass = 0.0;
        for (var k = 0; k < _alphaGrid.Length; k++)
        {
            Consider(_alphaGrid[k], _spindleUnit[k]);
        }

        if (Refine && bestBeta > 0)
        {
            // Continuous refinement of α around the best grid point.
            var index = Array.IndexOf(_alphaGrid, bestAlpha);
            var lower = _alphaGrid[Math.Max(0, index - 1)];
            var upper = _alphaGrid[Math.Min(_alphaGrid.Length - 1, index + 1)];
            var unit = new double[_n];
            var (alpha, _) = ScalarMinimizer.Minimize(
                a =>
                {
                    SpindleCurve.EvaluateUnit(_n, a, unit);
                    return MinimalBeta(data, unit, tolerance).Residual;
                },
                lower,
                upper,
                bestAlpha);
            SpindleCurve.EvaluateUnit(_n, alpha, unit);
            Consider(alpha, unit);
        }

        // Rebuild the curves at the chosen parameters.
        SpindleCurve.EvaluateUnit(_n, bestAlpha, _spindle);
        var decayPositive = new double[_n];
        var decayNegative = new double[_n];
        for (var i = 0; i < _n; i++)
        {
            _shiftedPositive[i] = data.Positive[i] - (bestBeta * _spindle[i]);
            _shiftedNegative[i] = -data.Negative[i] - (bestBeta * _spindle[i]);
        }

        IsotonicRegression.NonIncreasingNonNegative(_shiftedPositive, decayPositive, _blockSums, _blockCounts);
        IsotonicRegression.NonIncreasingNonNegative(_shiftedNegative, decayNegative, _blockSums, _blockCounts);
        for (var i = 0; i < _n; i++)
        {
            decayNegative[i] = -decayNegative[i];
        }

        var spindle = SpindleCurve.Evaluate(_n, bestAlpha, bestBeta);
        return new DecompositionResult(
            bestAlpha,
            bestBeta,
            null,
            null,
            data,
            new OrderDistribution(decayPositive, decayNegative),
            new OrderDistribution(spindle, spindle.Select(v => -v).ToArray()))
        {
            Shape = DecayShape.Monotone,
            MinAlpha = _alphaGrid[0],
        };

        void Consider(double alpha, double[] unit)
        {
            var (beta, residual) = MinimalBeta(data, unit, tolerance);
            var mass = beta * unit.Sum();
            if (residual < bestResidual - tolerance || (residual <= bestResidual + tolerance && mass < bestMass))
            {
                (bestAlpha, bestBeta, bestResidual, bestMass) = (alpha, beta, Math.Min(residual, bestResidual), mass);
            }
        }
    }

    /// <summary>The smallest β ≥ 0 whose residual is within the tolerance of the minimum over β, for one spindle shape.</summary>
    private (double Beta, double Residual) MinimalBeta(OrderDistribution data, double[] unit, double tolerance)
    {
        var peak = unit.Max();
        var atZero = Residual(data, unit, 0);
        if (!(peak > 0))
        {
            return (0, atZero);
        }

        var largest = 0.0;
        for (var i = 0; i < _n; i++)
        {
            largest = Math.Max(largest, Math.Max(data.Positive[i], -data.Negative[i]));
        }

        // f is convex in β and grows beyond the β at which the spindle's peak exceeds every data value.
        var upper = largest / peak;
        if (!(upper > 0))
        {
            return (0, atZero);
        }

        var (argmin, minimum) = ScalarMinimizer.Minimize(b => Residual(data, unit, b), 0, upper, upper / 2, 1e-12);
        if (atZero <= minimum + tolerance)
        {
            return (0, atZero);
        }

        // Leftmost β in [0, argmin] with f(β) ≤ min + tolerance (f is convex, so this set is an interval).
        double low = 0, high = argmin;
        for (var iteration = 0; iteration < 60 && high - low > 1e-12 * upper; iteration++)
        {
            var middle = 0.5 * (low + high);
            if (Residual(data, unit, middle) <= minimum + tolerance)
            {
                high = middle;
            }
            else
            {
                low = middle;
            }
        }

        return (high, Residual(data, unit, high));
    }

    private double Residual(OrderDistribution data, double[] unit, double beta)
    {
        for (var i = 0; i < _n; i++)
        {
            _shiftedPositive[i] = data.Positive[i] - (beta * unit[i]);
            _shiftedNegative[i] = -data.Negative[i] - (beta * unit[i]);
        }

        return IsotonicRegression.NonIncreasingNonNegative(_shiftedPositive, _projection, _blockSums, _blockCounts)
            + IsotonicRegression.NonIncreasingNonNegative(_shiftedNegative, _projection, _blockSums, _blockCounts);
    }
}
