using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spindle.Monitor.Interactions;

namespace Spindle.Cli;

/// <summary>
/// <c>spindle bench solver</c>: time per sample and objective reached of the exact (ADMM) and reference (SGD)
/// interaction solvers on planted sparse functions with noise (DESIGN.md's n = 10 case: 15 AND + 10 OR interactions,
/// noise 0.01, qthres 0.02).
/// </summary>
internal static class BenchSolverCommand
{
    /// <summary>Creates the <c>solver</c> sub-command of <c>bench</c>.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var sizes = new Option<int[]>("--variables") { Description = SpindleCommands.WithDefault("Numbers n of input variables, space-separated.", "8 10 12"), AllowMultipleArgumentsPerToken = true };
        var samples = new Option<int>("--sample-count") { Description = "Planted samples per n.", DefaultValueFactory = _ => 3 };
        var repeats = new Option<int>("--repeats") { Description = "Timed runs of the exact solver per sample (the median is reported).", DefaultValueFactory = _ => 3 };
        var referenceRepeats = new Option<int>("--reference-repeats") { Description = "Timed runs of the reference solver per sample.", DefaultValueFactory = _ => 1 };
        var referenceIterations = new Option<int>("--reference-iterations") { Description = "Reference solver iterations.", DefaultValueFactory = _ => 10_000 };
        var learningRate = new Option<double>("--lr") { Description = "Reference solver initial learning rate.", DefaultValueFactory = _ => 1e-4 };
        var noise = new Option<double>("--noise") { Description = "Standard deviation of the Gaussian noise added to every output.", DefaultValueFactory = _ => 0.01 };
        var seed = new Option<int>("--seed") { Description = "Seed of the planted functions.", DefaultValueFactory = _ => 1 };
        var command = new Command("solver", "Time the exact and reference interaction solvers per sample on planted sparse outputs with noise.")
        {
            sizes, samples, repeats, referenceRepeats, referenceIterations, learningRate, noise, seed,
        };
        command.SetAction(parse =>
        {
            int[] counts = SpindleCommands.GetList(parse, sizes, [8, 10, 12]);
            if (counts.Any(n => n is < 1 or > 16) || parse.GetValue(samples) < 1 || parse.GetValue(repeats) < 1 || parse.GetValue(referenceRepeats) < 1)
            {
                Console.Error.WriteLine("spindle bench solver: every n in --variables must be in 1..16, and --sample-count, --repeats and --reference-repeats at least 1.");
                return 1;
            }

            try
            {
                new InteractionAnalysisOptions { Solver = InteractionSolver.Reference, ReferenceIterations = parse.GetValue(referenceIterations), LearningRate = parse.GetValue(learningRate) }.Validate();
            }
            catch (ArgumentException)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"spindle bench solver: --lr must be ≥ 0 and --reference-iterations at least 1; got --lr {parse.GetValue(learningRate)}, --reference-iterations {parse.GetValue(referenceIterations)}."));
                return 1;
            }

            Run(counts, parse.GetValue(samples), parse.GetValue(repeats), parse.GetValue(referenceRepeats), parse.GetValue(referenceIterations), parse.GetValue(learningRate), parse.GetValue(noise), parse.GetValue(seed), Console.Out);
            return 0;
        });
        return command;
    }

    private static void Run(int[] counts, int sampleCount, int repeats, int referenceRepeats, int referenceIterations, double learningRate, double noise, int seed, TextWriter writer)
    {
        var exact = new InteractionAnalysisOptions();
        var reference = new InteractionAnalysisOptions { Solver = InteractionSolver.Reference, ReferenceIterations = referenceIterations, LearningRate = learningRate };

        // Warm up the JIT on both paths.
        var warm = Planted(6, new Random(seed));
        InteractionAnalyzer.Analyze([warm], exact);
        InteractionAnalyzer.Analyze([warm], new InteractionAnalysisOptions { Solver = InteractionSolver.Reference, ReferenceIterations = 100 });

        writer.WriteLine($"Planted 15 AND + 10 OR interactions (orders 1-5, |I| in [0.5, 2]), noise {noise}, qthres {exact.NoiseThreshold}; exact: median of {repeats}, reference ({referenceIterations} iterations, lr {learningRate}): median of {referenceRepeats}.");
        writer.WriteLine("| n | sample | exact ms | exact objective | certified gap | iterations | reference ms | reference objective | time ratio (ref/exact) | objective ratio (ref/exact) | exact ms to match reference objective (iterations) | ratio (ref/match) |");
        writer.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var n in counts)
        {
            // One stream per n, so a run over some sizes draws the same samples as a run over all of them.
            var rng = new Random((seed * 1000) + n);
            var exactTimes = new List<double>();
            var ratios = new List<double>();
            var matchRatios = new List<double>();
            for (var s = 0; s < sampleCount; s++)
            {
                var v = Planted(n, rng, noise);
                var (exactMs, exactSample) = Time(v, exact, repeats);
                var (referenceMs, referenceSample) = Time(v, reference, referenceRepeats);
                exactTimes.Add(exactMs);
                ratios.Add(referenceMs / exactMs);
                var (matchMs, matchIterations) = TimeToMatch(v, referenceSample.Objective, repeats);
                matchRatios.Add(referenceMs / matchMs);
                var gap = exactSample.LowerBound is { } lb ? (exactSample.Objective - lb) / exactSample.Objective : double.NaN;
                writer.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {n} | {s} | {exactMs:F1} | {exactSample.Objective:F4} | {gap:P2} | {exactSample.Iterations} | {referenceMs:F1} | {referenceSample.Objective:F4} | {referenceMs / exactMs:F1}x | {referenceSample.Objective / exactSample.Objective:F2} | {matchMs:F1} ({matchIterations}) | {referenceMs / matchMs:F0}x |"));
            }

            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {n} | median | {Median(exactTimes):F1} | | | | | | {Median(ratios):F1}x | | | {Median(matchRatios):F0}x |"));
        }
    }

    private static (double Milliseconds, SampleInteractions Sample) Time(double[] v, InteractionAnalysisOptions options, int repeats)
    {
        var times = new List<double>();
        SampleInteractions? sample = null;
        for (var r = 0; r < repeats; r++)
        {
            var watch = Stopwatch.StartNew();
            sample = InteractionAnalyzer.Analyze([v], options).Samples[0];
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return (Median(times), sample!);
    }

    /// <summary>The exact solver's time with the smallest iteration cap (10, 20, 40, ...) whose objective is at most the target.</summary>
    private static (double Milliseconds, int Iterations) TimeToMatch(double[] v, double target, int repeats)
    {
        for (var cap = 10; ; cap *= 2)
        {
            var options = new InteractionAnalysisOptions { MaxIterations = cap };
            var (ms, sample) = Time(v, options, repeats);
            if (sample.Objective <= target || sample.Iterations < cap)
            {
                return (ms, sample.Iterations);
            }
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]);
    }

    /// <summary>v(T) = bias + 15 AND + 10 OR planted interactions of orders 1-5 + Gaussian noise (0.01).</summary>
    private static double[] Planted(int n, Random rng, double noise = 0.01)
    {
        var planted = new List<(int Mask, double Value, bool IsAnd)>();
        for (var k = 0; k < 25; k++)
        {
            var order = 1 + rng.Next(Math.Min(n, 5));
            var mask = 0;
            while (SubsetTransforms.Order(mask) < order)
            {
                mask |= 1 << rng.Next(n);
            }

            planted.Add((mask, ((rng.NextDouble() * 1.5) + 0.5) * (rng.Next(2) == 0 ? -1 : 1), k < 15));
        }

        var bias = rng.NextDouble();
        var v = new double[1 << n];
        for (var t = 0; t < v.Length; t++)
        {
            var x = bias;
            foreach (var (mask, value, isAnd) in planted)
            {
                if (isAnd ? (t & mask) == mask : (t & mask) != 0)
                {
                    x += value;
                }
            }

            var gaussian = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            v[t] = x + (noise * gaussian);
        }

        return v;
    }
}
