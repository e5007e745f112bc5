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

    [TestCase(6, 11, 0.0)]
    [TestCase(8, 12, 0.01)]
    [TestCase(10, 13, 0.01)]
    public void Analyze_PlantedAndOrWithNoise_ObjectiveAtMostPlantedNormAndMatches(int n, int seed, double noise)
    {
        var rng = new Random(seed);
        var planted = RandomPlanted(n, 6, 4, 4, rng);
        var v = FromPlanted(n, 0.1, planted, noise, rng);

        var sample = InteractionAnalyzer.Analyze([v]).Samples[0];
        var h = Reconstruct(sample.And, sample.Or);

        // The planted interactions are one feasible explanation only when the noise fits inside the bound ζ;
        // order-1 AND and OR of one variable fold together, which can only lower the norm.
        var plantedNorm = planted.GroupBy(p => p.IsAnd || Spindle.Monitor.Interactions.SubsetTransforms.Order(p.Mask) == 1 ? (p.Mask, true) : (p.Mask, false))
            .Sum(g => Math.Abs(g.Sum(p => p.Value)));
        var noiseFits = v.Select((x, t) => Math.Abs(x - Exact(planted, 0.1, t))).Max() <= sample.NoiseBound;
        using (Assert.EnterMultipleScope())
        {
            if (noiseFits)
            {
                // The solver stops within a certified 0.4% of the optimum, which is at most the planted norm.
                Assert.That(sample.Objective, Is.LessThanOrEqualTo(plantedNorm * 1.004));
            }

            for (var t = 0; t < v.Length; t++)
            {
                Assert.That(h[t], Is.EqualTo(v[t] - sample.Delta[t]).Within(1e-9), $"mask {t}");
            }
        }

        Assert.That(noiseFits || noise > 0, Is.True, "without noise the planted explanation is always feasible");
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
        }
    }

    private static double Exact(List<Planted> planted, double bias, int t) =>
        bias + planted.Where(p => p.IsAnd ? (t & p.Mask) == p.Mask : (t & p.Mask) != 0).Sum(p => p.Value);
}
