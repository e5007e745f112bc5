using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spindle.Regularizer;
using Spindle.Trainers.Data;
using Spindle.Trainers.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Cli;

/// <summary>
/// <c>spindle bench regularizer</c>: the cost of a training step with the interaction term against a plain step, measured
/// in the same process as alternating chunks of steps on the same batches (Adam, batch 64), so that load changes hit
/// both alike. The first chunk of each kind is a warm-up (it also fills the baseline cache) and is dropped.
/// </summary>
internal static class BenchRegularizerCommand
{
    public static Command Create()
    {
        var models = new Option<string[]>("--models") { Description = "Models, space-separated.", DefaultValueFactory = _ => ["cnn", "resnet20"], AllowMultipleArgumentsPerToken = true };
        var data = new Option<string?>("--data") { Description = SpindleCommands.WithDefault("Fashion-MNIST directory.", $"{FashionMnist.DefaultDirectory} when installed, else the embedded subset") };
        var steps = new Option<int>("--steps") { Description = "Training steps per timed chunk.", DefaultValueFactory = _ => 10 };
        var repeats = new Option<int>("--repeats") { Description = "Timed chunks of each kind per model, after one warm-up chunk of each.", DefaultValueFactory = _ => 5 };
        var termVariables = new Option<int[]>("--term-variables") { Description = "Numbers n of input patches of the term to measure, space-separated.", DefaultValueFactory = _ => [4, 6, 8], AllowMultipleArgumentsPerToken = true };
        var termSamples = new Option<int>("--term-samples") { Description = "Samples of each batch whose interactions are penalised.", DefaultValueFactory = _ => 2 };
        var threads = new Option<int?>("--threads") { Description = SpindleCommands.WithDefault("TorchSharp intra-op threads.", "one per core") };
        var command = new Command("regularizer", "Time a training step with the interaction term against a plain one (alternating chunks, same batches) and report the ratio.")
        {
            models, data, steps, repeats, termVariables, termSamples, threads,
        };
        command.SetAction(parse =>
        {
            try
            {
                Run(parse.GetValue(models)!, parse.GetValue(data), parse.GetValue(steps), parse.GetValue(repeats), parse.GetValue(termVariables)!, parse.GetValue(termSamples), parse.GetValue(threads));
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException)
            {
                Console.Error.WriteLine($"spindle bench regularizer: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static void Run(string[] models, string? directory, int steps, int repeats, int[] termVariables, int termSamples, int? threads)
    {
        Require(steps >= 1, $"--steps must be at least 1, got {steps}.");
        Require(repeats >= 1, $"--repeats must be at least 1, got {repeats}.");
        Require(termVariables.Length > 0 && termVariables.All(n => n is >= 1 and <= 12), "--term-variables: each must be in 1..12.");
        Require(termSamples >= 1, $"--term-samples must be at least 1, got {termSamples}.");
        Require(threads is null or >= 1, $"--threads must be at least 1, got {threads}.");
        Require(models.Length > 0 && models.All(ModelFactory.Names.Contains), $"--models: choose among {string.Join(", ", ModelFactory.Names)}.");
        if (threads is int t)
        {
            torch.set_num_threads(t);
        }

        var data = directory is not null || FashionMnist.IsInstalled
            ? FashionMnist.Load(directory, PixelNormalization.FashionMnist)
            : EmbeddedFashionMnist.Load(PixelNormalization.FashionMnist);
        var train = data.Train;
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(
            CultureInfo.InvariantCulture,
            $"{train.Name}: batch 64, {repeats} chunks of {steps} steps of each kind after a warm-up chunk of each; {termSamples} samples per step; {torch.get_num_threads()} threads; load {LoadAverage()}.")));
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in new[] { "model", "n", "plain s/step (median)", "regularized s/step (median)", "ratio (median of pairs)", "term s/step (median)", "load after" })
        {
            table.AddColumn(new TableColumn(header).RightAligned());
        }

        var c = CultureInfo.InvariantCulture;
        foreach (var name in models)
        {
            foreach (var n in termVariables)
            {
                torch.random.manual_seed(0);
                using var plain = ModelFactory.Create(name, train.SampleShape, train.ClassCount);
                torch.random.manual_seed(0);
                using var regularized = ModelFactory.Create(name, train.SampleShape, train.ClassCount);
                torch.random.manual_seed(1);
                using var baseline = ModelFactory.Create(name, train.SampleShape, train.ClassCount);
                using var plainOptimizer = torch.optim.Adam(plain.parameters(), 1e-3);
                using var regularizedOptimizer = torch.optim.Adam(regularized.parameters(), 1e-3);
                var regularizer = new InteractionRegularizer([baseline], new RegularizerOptions { Lambda = 0.01, WarmupSteps = 0, VariableCount = n, SamplesPerStep = termSamples });
                var plainTimes = new List<double>();
                var regularizedTimes = new List<double>();
                var termTimes = new List<double>();
                for (var r = 0; r <= repeats; r++)
                {
                    var p = Chunk(plain, plainOptimizer, train, steps, null, out _);
                    var q = Chunk(regularized, regularizedOptimizer, train, steps, regularizer, out var term);
                    if (r > 0)
                    {
                        plainTimes.Add(p);
                        regularizedTimes.Add(q);
                        termTimes.Add(term);
                    }
                }

                var ratios = plainTimes.Zip(regularizedTimes, (p, q) => q / p).ToList();
                table.AddRow(name, n.ToString(c), Median(plainTimes).ToString("F3", c), Median(regularizedTimes).ToString("F3", c), Median(ratios).ToString("F2", c) + "x", Median(termTimes).ToString("F3", c), LoadAverage());
            }
        }

        AnsiConsole.Write(table);
    }

    /// <summary>Trains <paramref name="steps"/> steps on the first batches of the data (the same batches every chunk); returns seconds per step.</summary>
    private static double Chunk(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, LabeledData<float> data, int steps, InteractionRegularizer? regularizer, out double termSeconds)
    {
        model.train();
        termSeconds = 0;
        var clock = Stopwatch.StartNew();
        for (var s = 0; s < steps; s++)
        {
            using var scope = torch.NewDisposeScope();
            var start = (s * 64) % (data.Count - 64);
            var (x, y) = data.Batch([.. Enumerable.Range(start, 64)]);
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(x), y);
            if (regularizer?.Compute(model, x, y, s) is { } term)
            {
                termSeconds += term.Seconds;
                loss = loss.add(term.Loss.to_type(loss.dtype));
            }

            loss.backward();
            optimizer.step();
        }

        termSeconds /= steps;
        return clock.Elapsed.TotalSeconds / steps;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
