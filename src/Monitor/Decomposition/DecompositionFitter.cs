namespace Spindle.Monitor.Decomposition;

/// <summary>
/// Fits Eq. 10 with the paper's decay family (<see cref="DecayShape.NoiseOperator"/>): min over α, β, δ, γ of Σ_m (A^(m),+ - A_theory^(m),+)² + (A^(m),- - A_theory^(m),-)²
/// with A_theory = A_decay(δ, γ) + A_spindle(α, β).
/// </summary>
/// <remarks>
/// <para>
/// Search. For fixed (α, δ) the model is linear in (γ, β) with γ, β ≥ 0, a two-variable
/// non-negative least-squares problem solved in closed form. A global search evaluates it on a
/// log-uniform δ grid times a uniform α grid, both precomputed (the decay curves cost a
/// butterfly pass per sample and δ, the spindle curves a few ln Γ); the best grid point is then
/// refined by Brent's method on ln δ, each trial δ profiling α by a grid scan and Brent's method.
/// This avoids the local minima a descent from one starting point falls into.
/// </para>
/// <para>
/// Identifiability. When I* are the very interactions being fitted, δ → 0 reproduces the data
/// with the decay term alone and the spindle vanishes. The fit therefore keeps δ at or above
/// δ_min: by default the δ at which M(δ) keeps only 14% of an isolated interaction of the middle
/// order ⌈n/2⌉, at least 2 (<see cref="DecompositionFitOptions.MiddleOrderRetention"/>). The decay term is the
/// distribution of interactions that survive training under feature noise (Theorem 3.1), and the
/// spindle peaks at the middle orders (Claim 2); what that noise removes and the data still contain
/// is left to the spindle. See docs/decomposition.md for the evidence on planted data, and <see cref="MonotoneDecompositionFitter"/> for the default fit.
/// </para>
/// <para>Instances are not thread-safe (they share scratch buffers with the decay model).</para>
/// </remarks>
public sealed class DecompositionFitter
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int N, double Retention), double> MinimumDeltaCache = new();

    private readonly DecayModel _decay;
    private readonly int _n;
    private readonly double _minDelta;
    private readonly double _maxDelta;
    private readonly bool _refine;
    private readonly double[] _logDeltaGrid;
    private readonly double[][] _decayPositive;
    private readonly double[][] _decayNegative;
    private readonly double[] _alphaGrid;
    private readonly double[][] _spindleUnit;
    private readonly double[] _scratchPositive;
    private readonly double[] _scratchNegative;
    private readonly double[] _scratchSpindle;

    /// <summary>Initializes a new instance of the <see cref="DecompositionFitter"/> class, precomputing the grids.</summary>
    /// <param name="decay">The decay model built on the reference interactions I*.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults. They are read once and not kept.</param>
    /// <exception cref="ArgumentOutOfRangeException">The options are inconsistent.</exception>
    public DecompositionFitter(DecayModel decay, DecompositionFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(decay);
        options ??= new DecompositionFitOptions();
        options.Validate();
        _decay = decay;
        _n = decay.VariableCount;
        _maxDelta = options.MaxDelta;
        _minDelta = Math.Min(_maxDelta, options.MinDelta ?? MinimumDelta(_n, options.MiddleOrderRetention));
        _refine = options.Refine;

        var deltaCount = _maxDelta > _minDelta ? options.DeltaGridSize : 1;
        _logDeltaGrid = new double[deltaCount];
        _decayPositive = new double[deltaCount][];
        _decayNegative = new double[deltaCount][];
        for (var j = 0; j < deltaCount; j++)
        {
            var t = deltaCount == 1 ? 0 : (double)j / (deltaCount - 1);
            _logDeltaGrid[j] = Math.Log(_minDelta) + (t * (Math.Log(_maxDelta) - Math.Log(_minDelta)));
            _decayPositive[j] = new double[_n];
            _decayNegative[j] = new double[_n];
            _decay.EvaluateUnit(Math.Exp(_logDeltaGrid[j]), _decayPositive[j], _decayNegative[j]);
        }

        (_alphaGrid, _spindleUnit) = SpindleCurve.UnitGrid(_n, options.MinAlpha, options.AlphaGridSize);

        _scratchPositive = new double[_n];
        _scratchNegative = new double[_n];
        _scratchSpindle = new double[_n];
    }

    /// <summary>Fits the decomposition to the data distribution A.</summary>
    /// <param name="data">A^(m),± over the same n as the decay model.</param>
    /// <returns>The fitted parameters and curves.</returns>
    /// <exception cref="ArgumentException">The data span a different number of orders.</exception>
    public DecompositionResult Fit(OrderDistribution data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.VariableCount != _n)
        {
            throw new ArgumentException($"The data span {data.VariableCount} orders but the decay model has n = {_n}.", nameof(data));
        }

        // Global search on the precomputed grids.
        var bestJ = 0;
        var bestK = 0;
        var best = double.PositiveInfinity;
        for (var j = 0; j < _logDeltaGrid.Length; j++)
        {
            for (var k = 0; k < _alphaGrid.Length; k++)
            {
                var residual = Solve(data, _decayPositive[j], _decayNegative[j], _spindleUnit[k]).Residual;
                if (residual < best)
                {
                    (best, bestJ, bestK) = (residual, j, k);
                }
            }
        }

        var logDelta = _logDeltaGrid[bestJ];
        var alpha = _alphaGrid[bestK];
        var decayPositive = _decayPositive[bestJ];
        var decayNegative = _decayNegative[bestJ];
        if (_refine)
        {
            if (_logDeltaGrid.Length > 1)
            {
                var lower = _logDeltaGrid[Math.Max(0, bestJ - 1)];
                var upper = _logDeltaGrid[Math.Min(_logDeltaGrid.Length - 1, bestJ + 1)];
                var (refined, value) = ScalarMinimizer.Minimize(u => ProfileAlpha(data, u).Residual, lower, upper, logDelta);
                if (value <= best)
                {
                    logDelta = refined;
                    decayPositive = new double[_n];
                    decayNegative = new double[_n];
                    _decay.EvaluateUnit(Math.Exp(logDelta), decayPositive, decayNegative);
                }
            }

            alpha = ProfileAlpha(data, decayPositive, decayNegative).Alpha;
        }

        SpindleCurve.EvaluateUnit(_n, alpha, _scratchSpindle);
        var (gamma, beta, _) = Solve(data, decayPositive, decayNegative, _scratchSpindle);
        var delta = Math.Exp(logDelta);
        var spindle = SpindleCurve.Evaluate(_n, alpha, beta);
        return new DecompositionResult(
            alpha,
            beta,
            delta,
            gamma,
            data,
            new OrderDistribution(decayPositive.Select(v => v * gamma).ToArray(), decayNegative.Select(v => v * gamma).ToArray()),
            new OrderDistribution(spindle, spindle.Select(v => -v).ToArray()))
        {
            Shape = DecayShape.NoiseOperator,
            MinAlpha = _alphaGrid[0],
            MinDelta = _minDelta,
            MaxDelta = _maxDelta,
        };
    }

    /// <summary>Fits the decomposition to the distribution of the given interactions, with those interactions as I* (the monitor's case).</summary>
    /// <param name="and">Per-sample AND interactions, each of length 2^n.</param>
    /// <param name="or">Per-sample OR interactions, same shapes.</param>
    /// <param name="tau">Salience threshold τ ≥ 0.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <returns>The fit; call <see cref="DecompositionResult.Summarize"/> with <see cref="InteractionDistributions.NormalizationConstant"/> for the Z-normalised numbers.</returns>
    /// <exception cref="ArgumentException">The shapes differ or are empty.</exception>
    public static DecompositionResult FitInteractions(IReadOnlyList<double[]> and, IReadOnlyList<double[]> or, double tau, DecompositionFitOptions? options = null)
    {
        var data = InteractionDistributions.Compute(and, or, tau);
        return new DecompositionFitter(new DecayModel(and, or, tau), options).Fit(data);
    }

    /// <summary>Gets the smallest δ the fit may choose.</summary>
    public double MinDelta => _minDelta;

    /// <summary>Gets the smallest admissible δ for n variables: M(δ) keeps the fraction <paramref name="retention"/> of an isolated interaction of order min(n, max(2, ⌈n/2⌉)).</summary>
    /// <param name="variableCount">n ≥ 1.</param>
    /// <param name="retention">The fraction, in (0, 1).</param>
    /// <returns>δ_min.</returns>
    public static double MinimumDelta(int variableCount, double retention = DecompositionDefaults.MiddleOrderRetention)
        => MinimumDeltaCache.GetOrAdd((variableCount, retention), key => new DecayOperator(key.N).DeltaForRetention(MiddleOrder(key.N), key.Retention));

    /// <summary>The order the identifiability floor refers to: ⌈n/2⌉, the spindle's centre, but never order 1 (which no spindle is centred on) and never above n.</summary>
    /// <param name="variableCount">n.</param>
    /// <returns>min(n, max(2, ⌈n/2⌉)).</returns>
    internal static int MiddleOrder(int variableCount) => Math.Min(variableCount, Math.Max(2, (variableCount + 1) / 2));

    private (double Alpha, double Residual) ProfileAlpha(OrderDistribution data, double logDelta)
    {
        _decay.EvaluateUnit(Math.Exp(logDelta), _scratchPositive, _scratchNegative);
        return ProfileAlpha(data, _scratchPositive, _scratchNegative);
    }

    private (double Alpha, double Residual) ProfileAlpha(OrderDistribution data, double[] decayPositive, double[] decayNegative)
    {
        var bestK = 0;
        var best = double.PositiveInfinity;
        for (var k = 0; k < _alphaGrid.Length; k++)
        {
            var residual = Solve(data, decayPositive, decayNegative, _spindleUnit[k]).Residual;
            if (residual < best)
            {
                (best, bestK) = (residual, k);
            }
        }

        var lower = _alphaGrid[Math.Max(0, bestK - 1)];
        var upper = _alphaGrid[Math.Min(_alphaGrid.Length - 1, bestK + 1)];
        var spindle = new double[_n];
        var (alpha, value) = ScalarMinimizer.Minimize(
            a =>
            {
                SpindleCurve.EvaluateUnit(_n, a, spindle);
                return Solve(data, decayPositive, decayNegative, spindle).Residual;
            },
            lower,
            upper,
            _alphaGrid[bestK]);
        return value <= best ? (alpha, value) : (_alphaGrid[bestK], best);
    }

    private static (double Gamma, double Beta, double Residual) Solve(OrderDistribution data, double[] decayPositive, double[] decayNegative, double[] spindle)
    {
        double dd = 0, ss = 0, ds = 0, dy = 0, sy = 0, yy = 0;
        var positive = data.Positive;
        var negative = data.Negative;
        for (var i = 0; i < positive.Length; i++)
        {
            var dp = decayPositive[i];
            var dn = decayNegative[i];
            var s = spindle[i];
            dd += (dp * dp) + (dn * dn);
            ss += 2 * s * s;
            ds += (dp - dn) * s;
            dy += (dp * positive[i]) + (dn * negative[i]);
            sy += s * (positive[i] - negative[i]);
            yy += (positive[i] * positive[i]) + (negative[i] * negative[i]);
        }

        return NonNegativeLeastSquares2.Solve(dd, ss, ds, dy, sy, yy);
    }
}
