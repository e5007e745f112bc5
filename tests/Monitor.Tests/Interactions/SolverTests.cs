using Spindle.Monitor.Interactions;
using static Spindle.Monitor.Tests.Interactions.InteractionTestData;

namespace Spindle.Monitor.Tests.Interactions;

public class SolverTests
{
    private static IEnumerable<TestCaseData> MatchingCases()
    {
        for (var n = 1; n <= 12; n++)
        {
            yield return new TestCaseData(InteractionSolver.Exact, n);
            yield return new TestCaseData(InteractionSolver.Reference, n);
        }
    }

    [TestCaseSource(nameof(MatchingCases))]
    public void Analyze_RandomOutputs_SatisfiesUniversalMatching(InteractionSolver solver, int n)
    {
        var rng = new Random(100 + n);
        var v = RandomOutputs(n, rng);
        var options = new InteractionAnalysisOptions
        {
            Solver = solver,

            // Matching must hold at any iterate, so short runs keep the suite fast.
            ReferenceIterations = n >= 10 ? 30 : 300,
            MaxIterations = n >= 10 ? 100 : 2000,
        };

        var sample = InteractionAnalyzer.Analyze([v], options).Samples[0];
        var h = Reconstruct(sample.And, sample.Or);

        using (Assert.EnterMultipleScope())
        {
            for (var t = 0; t < v.Length; t++)
            {
                // Theorem 2.1 with the noise term: v(x_T) - δ_T = h(x_T). Outputs are N(0, 1) and the sums have at
                // most 2^13 terms, so float64 rounding stays below 1e-11; 1e-9 is the acceptance tolerance.
                Assert.That(h[t], Is.EqualTo(v[t] - sample.Delta[t]).Within(1e-9), $"mask {t}");
            }

            var bound = sample.NoiseBound * (1 + 1e-12);
            Assert.That(sample.Delta.Max(Math.Abs), Is.LessThanOrEqualTo(bound));
        }
    }

    [TestCase(5, 1)]
    [TestCase(6, 2)]
    [TestCase(8, 3)]
    public void Analyze_PlantedSparseAndWithoutNoise_RecoversSupportAndValues(int n, int seed)
    {
        // A few AND interactions of order ≥ 2 with distinct supports and no noise: the unique sparsest explanation.
        var rng = new Random(seed);
        var planted = new List<Planted>();
        var used = new HashSet<int>();
        while (planted.Count < 4)
        {
            var mask = rng.Next(1 << n);
            if (Spindle.Monitor.Interactions.SubsetTransforms.Order(mask) is >= 2 and <= 4 && used.Add(mask))
            {
                planted.Add(new Planted(mask, ((rng.NextDouble() * 1.5) + 0.5) * (rng.Next(2) == 0 ? -1 : 1), true));
            }
        }

        var v = FromPlanted(n, 0.3, planted, 0, rng);
        var options = new InteractionAnalysisOptions { NoiseThreshold = 0, RelativeGap = 1e-9, MaxIterations = 5_000 };

        var sample = InteractionAnalyzer.Analyze([v], options).Samples[0];

        using (Assert.EnterMultipleScope())
        {
            for (var s = 1; s < v.Length; s++)
            {
                var expected = planted.Where(p => p.Mask == s).Sum(p => p.Value);

                // Values to 1e-8: the planted solution is the exact optimum and the polished solution is exact up to rounding.
                Assert.That(sample.And[s], Is.EqualTo(expected).Within(1e-8), $"I_AND({s})");
                Assert.That(sample.Or[s], Is.EqualTo(0).Within(1e-8), $"I_OR({s})");
            }

            Assert.That(sample.And[0], Is.EqualTo(0.3).Within(1e-12), "bias I_AND(∅) = v(∅)");
        }
    }

    // Noise as a fraction of the largest noise the bound ζ admits: 0 (exact planted function) or 0.5 (uniform noise
    // inside the bound, so the planted interactions stay a feasible explanation on every case).
    [TestCase(6, 11, 0.0)]
    [TestCase(8, 12, 0.5)]
    [TestCase(10, 13, 0.5)]
    public void Analyze_PlantedAndOrWithNoise_ObjectiveAtMostPlantedNormAndMatches(int n, int seed, double noiseFraction)
    {
        var rng = new Random(seed);
        var planted = RandomPlanted(n, 6, 4, 4, rng);
        var v = FromPlantedWithBoundedNoise(n, 0.1, planted, noiseFraction, InteractionDefaults.NoiseThreshold, rng);

        var sample = InteractionAnalyzer.Analyze([v]).Samples[0];
        var h = Reconstruct(sample.And, sample.Or);

        // The planted interactions (with δ = the noise) are one feasible explanation, so the optimum is at most their
        // L1 norm; order-1 AND and OR of one variable fold together, which can only lower the norm.
        var plantedNorm = planted.GroupBy(p => p.IsAnd || Spindle.Monitor.Interactions.SubsetTransforms.Order(p.Mask) == 1 ? (p.Mask, true) : (p.Mask, false))
            .Sum(g => Math.Abs(g.Sum(p => p.Value)));
        var largestNoise = v.Select((x, t) => Math.Abs(x - Exact(planted, 0.1, t))).Max();
        using (Assert.EnterMultipleScope())
        {
            // Preconditions of the case: a non-trivial function, and noise inside the bound (true by construction).
            Assert.That(plantedNorm, Is.GreaterThan(1));
            Assert.That(largestNoise, Is.LessThanOrEqualTo(sample.NoiseBound));

            // The default solver converges here, and then its certified gap g = 4e-3 gives
            // objective ≤ lower bound / (1 - g) ≤ optimum / (1 - g) ≤ planted norm / (1 - g).
            Assert.That(sample.Converged, Is.True);
            Assert.That(sample.RelativeGap, Is.LessThanOrEqualTo(InteractionDefaults.RelativeGap));
            Assert.That(sample.Objective, Is.LessThanOrEqualTo(plantedNorm / (1 - InteractionDefaults.RelativeGap)));

            for (var t = 0; t < v.Length; t++)
            {
                Assert.That(h[t], Is.EqualTo(v[t] - sample.Delta[t]).Within(1e-9), $"mask {t}");
            }
        }
    }

    [TestCase(1)]
    [TestCase(5)]
    public void Analyze_ExactSolverTinyIterationCap_ReportsNotConverged(int maxIterations)
    {
        // Two samples of the n = 7 planted case: neither can close a 0.4% gap in a handful of iterations.
        var rng = new Random(8);
        const int n = 7;
        double[][] outputs = [FromPlanted(n, 0.2, RandomPlanted(n, 8, 5, 4, rng), 0.01, rng), FromPlanted(n, -0.3, RandomPlanted(n, 8, 5, 4, rng), 0.01, rng)];

        var extraction = InteractionAnalyzer.Analyze(outputs, new InteractionAnalysisOptions { MaxIterations = maxIterations });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(extraction.Samples.Select(s => s.Converged), Has.All.False);
            Assert.That(extraction.Samples.Select(s => s.RelativeGap), Has.All.GreaterThan(InteractionDefaults.RelativeGap));
            Assert.That(extraction.Samples.Select(s => s.Iterations), Has.All.EqualTo(maxIterations));
            Assert.That(extraction.AllConverged, Is.False);
            Assert.That(extraction.MaxRelativeGap, Is.EqualTo(extraction.Samples.Max(s => s.RelativeGap)));
        }
    }

    [TestCase(6, 21)]
    [TestCase(8, 22)]
    public void Analyze_ExactSolverDefaults_ConvergesWithinTheRequestedGap(int n, int seed)
    {
        var rng = new Random(seed);
        double[][] outputs = [FromPlanted(n, 0.2, RandomPlanted(n, 8, 5, 4, rng), 0.01, rng), RandomOutputs(n, rng)];

        var extraction = InteractionAnalyzer.Analyze(outputs);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(extraction.AllConverged, Is.True);
            Assert.That(extraction.Samples.Select(s => s.Converged), Has.All.True);

            // The reported gap is (objective - lower bound) / objective of the reported interactions.
            foreach (var s in extraction.Samples)
            {
                Assert.That(s.RelativeGap, Is.EqualTo((s.Objective - s.LowerBound!.Value) / s.Objective).Within(1e-12));
                Assert.That(s.RelativeGap, Is.InRange(0, InteractionDefaults.RelativeGap));
            }

            Assert.That(extraction.MaxRelativeGap, Is.LessThanOrEqualTo(InteractionDefaults.RelativeGap));
        }
    }

    [Test]
    public void Analyze_ConstantOutputs_ConvergedWithZeroGap()
    {
        var extraction = InteractionAnalyzer.Analyze([Enumerable.Repeat(0.7, 16).ToArray()]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(extraction.Samples[0].Objective, Is.Zero);
            Assert.That(extraction.Samples[0].RelativeGap, Is.Zero);
            Assert.That(extraction.AllConverged, Is.True);
        }
    }

    [TestCase(6, 31)]
    [TestCase(8, 32)]
    public void Analyze_ReferenceSolver_ReducesTheObjectiveWellBelowItsStartingPoint(int n, int seed)
    {
        // SGD starts at γ = δ = 0, where I_AND and I_OR are the Möbius transforms of v/2: dense. On a sparse planted
        // function it must move far from there; a solver that never steps (learning rate 0) stays at the start.
        var rng = new Random(seed);
        var v = FromPlanted(n, 0.2, RandomPlanted(n, 5, 3, 3, rng), 0.01, rng);
        var size = 1 << n;
        double[] and = new double[size], or = new double[size];
        InteractionTransforms.Decompose(v, new double[size], new double[size], and, or, n);
        var start = Enumerable.Range(1, size - 1).Sum(s => Math.Abs(and[s]) + Math.Abs(or[s]));

        var options = new InteractionAnalysisOptions { Solver = InteractionSolver.Reference, ReferenceIterations = 2000, FoldFirstOrderOr = false };
        var sample = InteractionAnalyzer.Analyze([v], options).Samples[0];

        // Measured: 0.52 (n = 6) and 0.39 (n = 8) of the start. Below 0.7 of it is the tolerance: room for other
        // platforms' rounding of 2,000 SGD steps, none for a solver that does not move.
        Assert.That(sample.Objective, Is.LessThan(0.7 * start));
    }

    private static IEnumerable<TestCaseData> LpCases()
    {
        yield return new TestCaseData(3, 1, false);
        yield return new TestCaseData(5, 2, false);
        yield return new TestCaseData(6, 3, true);
        yield return new TestCaseData(7, 4, false);
        yield return new TestCaseData(8, 5, false);
        yield return new TestCaseData(8, 6, true);
        yield return new TestCaseData(8, 7, true);
    }

    [TestCaseSource(nameof(LpCases))]
    public void Analyze_ExactSolver_ObjectiveWithinHalfPercentOfLinearProgram(int n, int seed, bool planted)
    {
        var rng = new Random(seed);
        var v = planted ? FromPlanted(n, 0.2, RandomPlanted(n, 8, 5, 4, rng), 0.01, rng) : RandomOutputs(n, rng);
        var zeta = InteractionDefaults.NoiseThreshold * Math.Abs(v[^1] - v[0]);

        var sample = InteractionAnalyzer.Analyze([v]).Samples[0];
        var optimum = LinearProgramOptimum(v, zeta);

        using (Assert.EnterMultipleScope())
        {
            // The acceptance bound: within 0.5% of the LP optimum.
            Assert.That(sample.Objective, Is.LessThanOrEqualTo(optimum * 1.005));

            // Feasible points cannot beat the optimum (GLOP's own tolerance is ~1e-7 relative).
            Assert.That(sample.Objective, Is.GreaterThanOrEqualTo(optimum * (1 - 1e-6)));

            // The certified lower bound is a true lower bound.
            Assert.That(sample.LowerBound, Is.LessThanOrEqualTo(optimum * (1 + 1e-6)));
        }
    }

    [TestCase(10)]
    [TestCase(40)]
    [TestCase(150)]
    public void Analyze_ExactSolverStoppedEarly_BracketsTheLinearProgramOptimum(int maxIterations)
    {
        // Stopped by the iteration cap, before the gap closes: the lower bound (from the current and the running
        // average multiplier) must still be a valid bound, and the returned point must still be feasible.
        var rng = new Random(8);
        const int n = 7;
        var v = FromPlanted(n, 0.2, RandomPlanted(n, 8, 5, 4, rng), 0.01, rng);
        var zeta = InteractionDefaults.NoiseThreshold * Math.Abs(v[^1] - v[0]);

        var sample = InteractionAnalyzer.Analyze([v], new InteractionAnalysisOptions { MaxIterations = maxIterations }).Samples[0];
        var optimum = LinearProgramOptimum(v, zeta);

        using (Assert.EnterMultipleScope())
        {
            // GLOP's own tolerance is ~1e-7 relative: 1e-6 leaves room for it and nothing for a wrong bound.
            Assert.That(sample.LowerBound, Is.LessThanOrEqualTo(optimum * (1 + 1e-6)));
            Assert.That(sample.Objective, Is.GreaterThanOrEqualTo(optimum * (1 - 1e-6)));
            Assert.That(sample.Iterations, Is.LessThanOrEqualTo(maxIterations));
        }
    }

    [Test]
    public void Analyze_ReferenceSolver_IsFeasibleButNotBelowLinearProgram()
    {
        var rng = new Random(42);
        const int n = 6;
        var v = FromPlanted(n, 0.2, RandomPlanted(n, 5, 3, 3, rng), 0.01, rng);
        var zeta = InteractionDefaults.NoiseThreshold * Math.Abs(v[^1] - v[0]);

        var sample = InteractionAnalyzer.Analyze([v], new InteractionAnalysisOptions { Solver = InteractionSolver.Reference, ReferenceIterations = 2000 }).Samples[0];
        var optimum = LinearProgramOptimum(v, zeta);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sample.Objective, Is.GreaterThanOrEqualTo(optimum * (1 - 1e-6)));
            Assert.That(sample.LowerBound, Is.Null);
            Assert.That(sample.Iterations, Is.EqualTo(2000));

            // No certificate: the reference solver never claims convergence.
            Assert.That(sample.Converged, Is.Null);
            Assert.That(sample.RelativeGap, Is.Null);
        }
    }

    private static double Exact(List<Planted> planted, double bias, int t) =>
        bias + planted.Where(p => p.IsAnd ? (t & p.Mask) == p.Mask : (t & p.Mask) != 0).Sum(p => p.Value);
}
