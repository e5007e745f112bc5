namespace Spindle.Monitor.Interactions;

/// <summary>
/// The exact solver: ADMM on the linear program of paper appendix F, stopped by a certified duality gap.
/// </summary>
/// <remarks>
/// <para>
/// With y = I_AND and v' = v - δ, I_OR = B y + A δ - q where A = M P (Kronecker power of [[0, 1], [1, -1]]),
/// B = M P Z (power of b = [[1, 1], [0, -1]], its own inverse) and q = A v. The problem is
/// min Σ_{S≠∅} |y_S| + |(B y + A δ - q)_S| subject to |δ_T| ≤ ζ; y_∅ enters no counted term and is set to v'_∅.
/// </para>
/// <para>
/// ADMM splits t = y, s = B y + A δ, d = δ with proximal steps soft-threshold, shifted soft-threshold and clip.
/// The (y, δ) step is one symmetric Gauss-Seidel sweep (δ, y, δ) whose two solves are Kronecker systems:
/// (I + BᵀB) with BᵀB = C^{⊗n}, C = [[1, 1], [1, 2]], and (AᵀA + ω² I) with AᵀA = [[1, -1], [-1, 2]]^{⊗n},
/// each O(n 2^n) through the orthogonal eigenvectors of the 2x2 factor. The sweep is a convergent proximal
/// ADMM (symmetric Gauss-Seidel ADMM).
/// </para>
/// <para>
/// Stopping: any λ with λ_∅ = 0, |λ| ≤ 1 and |(Bᵀλ)_S| ≤ 1 for S ≠ ∅ gives the lower bound
/// -λᵀq - ζ ‖Aᵀλ‖₁ on the optimum (weak duality). The running average of the scaled multiplier of the s split,
/// made feasible two ways (see LowerBound), gives such λ; the solver stops when the best feasible objective is
/// within the requested relative gap of the best lower bound.
/// </para>
/// <para>
/// Feasible candidates, checked every <see cref="CheckEvery"/> iterations: the y iterate and a running
/// average of the iterates over about the last 30% of the iterations (each with δ in the box), and every <see cref="PolishEvery"/> checks a least-squares
/// refit on the best point's support (AdmmSolver.Polish.cs), which makes noise-free sparse solutions exact.
/// </para>
/// </remarks>
internal sealed partial class AdmmSolver
{
    private readonly int _n;
    private readonly int _size;
    private readonly KroneckerSpdSolve _ySolve;
    private readonly KroneckerSpdSolve _deltaSolve;
    private readonly double _omega;
    private readonly double[] _orWeights;
    private readonly double[] _q;
    private readonly double[] _y;
    private readonly double[] _delta;
    private readonly double[] _by;
    private readonly double[] _ks;
    private readonly double[] _t;
    private readonly double[] _s;
    private readonly double[] _d;
    private readonly double[] _ut;
    private readonly double[] _us;
    private readonly double[] _ud;
    private readonly double[] _work;
    private readonly double[] _work2;
    private readonly double[] _bestY;
    private readonly double[] _bestDelta;
    private readonly double[] _averageY;
    private readonly double[] _v;
    private readonly double[] _averageDelta;
    private readonly double[] _averageLambda;
    private readonly double[] _thresholdT;
    private readonly double[] _thresholdS;
    private readonly double[] _polishY;
    private readonly double[] _polishDelta;
    private readonly List<int> _andSupport = [];
    private readonly List<int> _orSupport = [];

    /// <summary>Gap checks between two polishing steps.</summary>
    private const int PolishEvery = 20;

    /// <summary>The largest support the polishing step refits.</summary>
    private const int MaxPolishSupport = 200;

    /// <summary>Interactions below this fraction of the largest are left out of the polishing support.</summary>
    private const double SupportThreshold = 1e-3;

    /// <summary>
    /// The window of the running averages of the iterates and multipliers, as a fraction of the iterations so far:
    /// the averages forget the early iterates (which a fixed decay or a uniform average keeps too long).
    /// </summary>
    private const double AverageWindowFraction = 0.3;

    /// <summary>The shortest window of the running averages, in iterations.</summary>
    private const double MinAverageWindow = 20;

    /// <summary>Initialises a solver with its workspace for n variables.</summary>
    /// <param name="variableCount">n.</param>
    /// <param name="rho">The penalty ρ, fixed (see <see cref="Rho"/>).</param>
    /// <param name="omega">The weight of the noise split d = δ.</param>
    /// <param name="relaxation">The over-relaxation factor.</param>
    /// <param name="checkEvery">Iterations between duality-gap checks.</param>
    /// <param name="orWeight">The weight κ² of the OR split s = B y + A δ relative to the AND split.</param>
    /// <param name="orderGrowth">The factor c by which the OR split's weight grows per order (a diagonal preconditioner).</param>
    public AdmmSolver(int variableCount, double rho = 40.0, double omega = 2.0, double relaxation = 1.8, int checkEvery = 10, double orWeight = 1.0, double orderGrowth = 1.0)
    {
        _n = variableCount;
        _size = 1 << variableCount;
        _omega = omega;
        Rho = rho;
        Relaxation = relaxation;
        CheckEvery = checkEvery;
        // OR split weights w_S = κ² c^{|S|}: W = κ² diag(1, c)^{⊗n}, so BᵀWB and AᵀWA stay Kronecker powers.
        _orWeights = new double[_size];
        for (var mask = 0; mask < _size; mask++)
        {
            _orWeights[mask] = orWeight * Math.Pow(orderGrowth, SubsetTransforms.Order(mask));
        }

        var factor = Math.Pow(orWeight, 1.0 / Math.Max(1, variableCount));
        _ySolve = new KroneckerSpdSolve(variableCount, factor, factor, factor * (1 + orderGrowth), 1);
        _deltaSolve = new KroneckerSpdSolve(variableCount, factor * orderGrowth, -factor * orderGrowth, factor * (1 + orderGrowth), omega * omega);
        _q = new double[_size];
        _y = new double[_size];
        _delta = new double[_size];
        _by = new double[_size];
        _ks = new double[_size];
        _t = new double[_size];
        _s = new double[_size];
        _d = new double[_size];
        _ut = new double[_size];
        _us = new double[_size];
        _ud = new double[_size];
        _work = new double[_size];
        _work2 = new double[_size];
        _bestY = new double[_size];
        _bestDelta = new double[_size];
        _averageY = new double[_size];
        _v = new double[_size];
        _averageDelta = new double[_size];
        _averageLambda = new double[_size];
        _thresholdT = new double[_size];
        _thresholdS = new double[_size];
        _polishY = new double[_size];
        _polishDelta = new double[_size];
    }

    /// <summary>
    /// Gets or sets the penalty ρ (on outputs scaled to max |v - v(∅)| = 1). It stays fixed: on the planted cases of
    /// <c>spindle bench solver</c>, residual balancing drove ρ from 10 down to 5, where the primal tail is slow, and
    /// needed 1.6x the iterations of a fixed ρ = 40 (n = 8, 10 and 12 all best near 40).
    /// </summary>
    public double Rho { get; set; }

    /// <summary>Gets or sets the over-relaxation factor in (0, 2).</summary>
    public double Relaxation { get; set; }

    /// <summary>Gets or sets how many iterations pass between duality-gap checks.</summary>
    public int CheckEvery { get; set; }

    /// <summary>Solves for one sample.</summary>
    /// <param name="values">v on all 2^n masks.</param>
    /// <param name="noiseBound">ζ ≥ 0.</param>
    /// <param name="maxIterations">The iteration cap.</param>
    /// <param name="relativeGap">Stop when (upper - lower) ≤ this · upper.</param>
    /// <param name="and">Receives I_AND (entry ∅ is v(∅) - δ_∅).</param>
    /// <param name="delta">Receives δ.</param>
    /// <returns>
    /// The objective, the certified lower bound, the iterations used, and whether the certified gap of the returned
    /// point is within <paramref name="relativeGap"/> (<see langword="false"/>: the iteration cap stopped it before).
    /// </returns>
    public (double Objective, double LowerBound, int Iterations, bool Converged) Solve(ReadOnlySpan<double> values, double noiseBound, int maxIterations, double relativeGap, Span<double> and, Span<double> delta)
    {
        var scale = 0.0;
        for (var i = 0; i < _size; i++)
        {
            scale = Math.Max(scale, Math.Abs(values[i] - values[0]));
        }

        if (scale == 0)
        {
            // A constant output: no interaction at all is exact.
            and.Clear();
            delta.Clear();
            and[0] = values[0];
            return (0, 0, 0, true);
        }

        var zeta = noiseBound / scale;
        for (var i = 0; i < _size; i++)
        {
            _q[i] = values[i] / scale;
            _v[i] = _q[i];
        }

        ApplyA(_q);
        Array.Clear(_y);
        Array.Clear(_delta);
        Array.Clear(_t);
        Array.Clear(_s);
        Array.Clear(_d);
        Array.Clear(_ut);
        Array.Clear(_us);
        Array.Clear(_ud);
        Array.Clear(_averageY);
        Array.Clear(_averageDelta);
        Array.Clear(_averageLambda);

        var rho = Rho;
        SetThresholds(rho);
        var bestUpper = double.PositiveInfinity;
        var bestLower = double.NegativeInfinity;
        var iteration = 0;
        var omega2 = _omega * _omega;
        while (iteration < maxIterations)
        {
            iteration++;

            // (y, δ) step: symmetric Gauss-Seidel sweep δ, y, δ on ‖y - (t - ut)‖² + ‖B y + A δ - (s - us)‖² + ω²‖δ - (d - ud/ω)‖².
            // The first δ step reuses B y from the last δ step of the previous iteration (y has not changed since).
            // The first δ enters the y step only as A δ, which its solve returns directly.
            DeltaStep(omega2, recomputeBy: iteration == 1, returnADelta: true);
            YStep();
            DeltaStep(omega2, recomputeBy: true, returnADelta: false);

            // ks = B y + A δ (_by already holds B y from the last δ step), then the proximal and multiplier updates.
            _delta.CopyTo(_ks, 0);
            ApplyA(_ks);
            UpdateSplits(rho, zeta, 1 - (1 / Math.Max(MinAverageWindow, AverageWindowFraction * iteration)));

            if (iteration % CheckEvery == 0 || iteration == maxIterations)
            {
                // Feasible candidates: the y iterate and the averaged iterate, each with a δ inside the box.
                bestUpper = Consider(_y, _d, bestUpper);
                bestUpper = Consider(_averageY, _averageDelta, bestUpper);
                if ((iteration / CheckEvery) % PolishEvery == 0 && Polish(zeta))
                {
                    bestUpper = Consider(_polishY, _polishDelta, bestUpper);
                }

                bestLower = Math.Max(bestLower, LowerBound(zeta));
                if (bestUpper - bestLower <= relativeGap * bestUpper)
                {
                    break;
                }
            }
        }

        if (Polish(zeta))
        {
            bestUpper = Consider(_polishY, _polishDelta, bestUpper);
        }

        // Converged: the certificate holds for the point returned (also when the final polish closed the gap after the cap).
        var converged = bestUpper - bestLower <= relativeGap * bestUpper;
        for (var i = 0; i < _size; i++)
        {
            and[i] = _bestY[i] * scale;
            delta[i] = _bestDelta[i] * scale;
        }

        and[0] = values[0] - delta[0];
        return (bestUpper * scale, Math.Max(0, bestLower) * scale, iteration, converged);
    }

    private double Consider(double[] y, double[] delta, double bestUpper)
    {
        var upper = Objective(y, delta);
        if (upper < bestUpper)
        {
            y.CopyTo(_bestY, 0);
            delta.CopyTo(_bestDelta, 0);
            return upper;
        }

        return bestUpper;
    }

    private void DeltaStep(double omega2, bool recomputeBy, bool returnADelta)
    {
        // δ = (AᵀA + ω²/κ²)^{-1} (Aᵀ(s - us - B y) + ω²/κ² (d - ud/ω)); with returnADelta, _work receives A δ instead.
        if (recomputeBy)
        {
            _y.CopyTo(_by, 0);
            ApplyB(_by);
        }

        WeightedResidual(_work, _by);
        ApplyA(_work);
        AddScaledDifference(_work, omega2, _d, _ud, 1 / _omega);

        if (returnADelta)
        {
            _deltaSolve.SolveThenApply(_work, 0, 1, 1, -1);
            return;
        }

        _deltaSolve.Solve(_work);
        _work.CopyTo(_delta, 0);
    }

    private void YStep()
    {
        // y = (I + BᵀB)^{-1} ((t - ut) + Bᵀ(s - us - A δ)), with A δ in _work (from DeltaStep).
        WeightedResidual(_work, _work);
        ApplyBTranspose(_work);
        AddScaledDifference(_work, 1, _t, _ut, 1);
        _ySolve.Solve(_work);
        _work.CopyTo(_y, 0);
    }

    private double Objective(double[] y, double[] delta)
    {
        y.CopyTo(_work, 0);
        ApplyB(_work);
        delta.CopyTo(_work2, 0);
        ApplyA(_work2);
        var total = 0.0;
        for (var i = 1; i < _size; i++)
        {
            total += Math.Abs(y[i]) + Math.Abs(_work[i] + _work2[i] - _q[i]);
        }

        return total;
    }

    private double LowerBound(double zeta)
    {
        // Dual points from the running average λ̄ of λ = ρ W us (smoother than λ: the iterates oscillate about the
        // dual optimum): λ̄ rescaled to feasibility, and λ' with Bᵀλ' = clip(Bᵀλ̄, -1, 1), that is λ' = Bᵀ clip(Bᵀλ̄)
        // (B is its own inverse), rescaled for |λ'| ≤ 1. The prox of the s split keeps |λ̄| ≤ 1, so the second one
        // repairs the AND side, where λ̄ violates the constraints until the iterates converge. Both are valid.
        _averageLambda.CopyTo(_work, 0);
        _work[0] = 0;
        var averaged = DualBound(zeta);
        ApplyBTranspose(_work);
        for (var i = 0; i < _size; i++)
        {
            _work[i] = Math.Clamp(_work[i], -1, 1);
        }

        _work[0] = 0;
        ApplyBTranspose(_work);
        _work[0] = 0;
        return Math.Max(averaged, DualBound(zeta));
    }

    /// <summary>The weak-duality bound of λ = _work rescaled to feasibility (_work is left unchanged).</summary>
    private double DualBound(double zeta)
    {
        _work.CopyTo(_work2, 0);
        ApplyBTranspose(_work2);
        var largest = 0.0;
        for (var i = 1; i < _size; i++)
        {
            largest = Math.Max(largest, Math.Max(Math.Abs(_work[i]), Math.Abs(_work2[i])));
        }

        if (largest == 0)
        {
            return 0;
        }

        var linear = 0.0;
        for (var i = 0; i < _size; i++)
        {
            linear -= _work[i] * _q[i];
        }

        _work.CopyTo(_work2, 0);
        ApplyA(_work2);
        var noise = 0.0;
        for (var i = 0; i < _size; i++)
        {
            noise += Math.Abs(_work2[i]);
        }

        return (linear - (zeta * noise)) / largest;
    }

    private void ApplyA(Span<double> x) => SubsetTransforms.ApplyKronecker(x, _n, 0, 1, 1, -1);

    private void ApplyB(Span<double> x) => SubsetTransforms.ApplyKronecker(x, _n, 1, 1, 0, -1);

    private void ApplyBTranspose(Span<double> x) => SubsetTransforms.ApplyKronecker(x, _n, 1, 0, 1, -1);
}
