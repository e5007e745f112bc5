using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spindle.Monitor.Decomposition;

namespace Spindle.Cli;

/// <summary><c>spindle bench fit</c>: times the decomposition fit (Eq. 10) on seeded synthetic interactions.</summary>
internal static class BenchFitCommand
{
    /// <summary>Creates the <c>fit</c> sub-command of <c>spindle bench</c>.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var variables = new Option<int>("--variables", "-n") { Description = "Number of input variables n.", DefaultValueFactory = _ => 10 };
        var samples = new Option<int>("--sample-count") { Description = "Number of probe samples.", DefaultValueFactory = _ => 16 };
        var repeats = new Option<int>("--repeats") { Description = "Timed repetitions (after 3 warm-up runs).", DefaultValueFactory = _ => 30 };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic interactions.", DefaultValueFactory = _ => 1 };
        var command = new Command("fit", "Time one decomposition check: decay model, grids and fit, on synthetic interactions (sparse low-order part plus Gaussian noise on every interaction).")
        {
            variables, samples, repeats, seed,
        };
        command.SetAction(parse =>
        {
            var n = parse.GetValue(variables);
            var count = parse.GetValue(samples);
            var runs = parse.GetValue(repeats);
            if (n is < 2 or > 20 || count < 1 || runs < 1)
            {
                Console.Error.WriteLine($"spindle bench fit: need 2 <= --variables <= 20, --sample-count >= 1 and --repeats >= 1; got --variables {n}, --sample-count {count}, --repeats {runs}.");
                return 1;
            }

            var (and, or, tau) = Synthesize(n, count, parse.GetValue(seed));
            var data = InteractionDistributions.Compute(and, or, tau);
            _ = DecompositionFitter.MinimumDelta(n);
            var total = new List<double>();
            var fitOnly = new List<double>();
            DecompositionResult? result = null;
            for (var r = 0; r < runs + 3; r++)
            {
                var start = Stopwatch.GetTimestamp();
                var fitter = new DecompositionFitter(new DecayModel(and, or, tau));
                var middle = Stopwatch.GetTimestamp();
                result = fitter.Fit(data);
                var end = Stopwatch.GetTimestamp();
                if (r >= 3)
                {
                    total.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
                    fitOnly.Add(Stopwatch.GetElapsedTime(middle, end).TotalMilliseconds);
                }
            }

            var culture = CultureInfo.InvariantCulture;
            Console.Out.WriteLine(string.Format(culture, "n = {0}, samples = {1}, repeats = {2}, processors = {3}", n, count, runs, Environment.ProcessorCount));
            Console.Out.WriteLine(string.Format(culture, "check (decay model + grids + fit): median {0:F2} ms, min {1:F2} ms", Median(total), total.Min()));
            Console.Out.WriteLine(string.Format(culture, "fit on precomputed grids:          median {0:F2} ms, min {1:F2} ms", Median(fitOnly), fitOnly.Min()));
            Console.Out.WriteLine(string.Format(culture, "result: alpha {0:F3}, delta {1:G3}, spindle mass {2:F3}, decay mass {3:F3}, R^2 {4:F4}", result!.Alpha, result.Delta, result.SpindleMass, result.DecayMass, result.RSquared));
            return 0;
        });
        return command;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]);
    }

    private static (double[][] And, double[][] Or, double Tau) Synthesize(int n, int count, int seed)
    {
        var random = new Random(seed);
        var size = 1 << n;
        var and = new double[count][];
        var or = new double[count][];
        for (var i = 0; i < count; i++)
        {
            and[i] = new double[size];
            or[i] = new double[size];
            for (var s = 1; s < size; s++)
            {
                and[i][s] = 0.1 * Gaussian(random);
                or[i][s] = 0.1 * Gaussian(random);
            }

            for (var c = 0; c < 12; c++)
            {
                var mask = 0;
                var order = 1 + random.Next(3);
                while (System.Numerics.BitOperations.PopCount((uint)mask) < order)
                {
                    mask |= 1 << random.Next(n);
                }

                (random.Next(2) == 0 ? and : or)[i][mask] += (0.5 + Math.Abs(Gaussian(random))) * (random.NextDouble() < 0.7 ? 1 : -1);
            }
        }

        return (and, or, 0.1);
    }

    private static double Gaussian(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
