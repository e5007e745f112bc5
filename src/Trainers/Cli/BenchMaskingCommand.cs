using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spindle.Monitor.Masking;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spindle.Trainers.Cli;

/// <summary>
/// <c>spindle bench masking</c>: time of the 2^n masked forward passes per sample for a Fashion-MNIST-sized CNN,
/// with input patches and with feature-map patches, and (with <c>--sweep</c>) throughput against the chunk size.
/// </summary>
internal static class BenchMaskingCommand
{
    private static readonly long[] SweepChunkBytes = [256L << 10, 1L << 20, 4L << 20, 8L << 20, 16L << 20, 32L << 20, 64L << 20, 256L << 20];

    /// <summary>Creates the <c>masking</c> sub-command of <c>bench</c>.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var samples = new Option<int>("--samples") { Description = "Samples timed per setting (the median is reported).", DefaultValueFactory = _ => 3 };
        var variables = new Option<string>("--variables") { Description = "Comma-separated numbers n of input variables.", DefaultValueFactory = _ => "8,10,12" };
        var chunkBytes = new Option<long>("--chunk-bytes") { Description = "Bytes of masked input per forward chunk; 0 for the library default.", DefaultValueFactory = _ => 0 };
        var sweep = new Option<bool>("--sweep") { Description = "Also time the largest n of --variables over chunk sizes from 256 KiB to 256 MiB." };
        var threads = new Option<int>("--threads") { Description = "Torch intra-op threads; 0 keeps Torch's default.", DefaultValueFactory = _ => 0 };
        var command = new Command("masking", "Time the 2^n masked forward passes per sample of a conv32-conv64-fc256 CNN on 1x28x28 inputs.")
        {
            samples, variables, chunkBytes, sweep, threads,
        };
        command.SetAction(parse =>
        {
            int sampleCount = parse.GetValue(samples);
            long chunk = parse.GetValue(chunkBytes);
            int[] counts;
            try
            {
                counts = [.. (parse.GetValue(variables) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture))];
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine($"spindle bench masking: --variables must be comma-separated integers ({e.Message}).");
                return 2;
            }

            if (sampleCount < 1 || chunk < 0 || counts.Length == 0 || counts.Any(n => n < 1 || n > 16))
            {
                Console.Error.WriteLine("spindle bench masking: --samples must be at least 1, --chunk-bytes at least 0, and every n in --variables between 1 and 16.");
                return 2;
            }

            if (parse.GetValue(threads) > 0)
            {
                torch.set_num_threads(parse.GetValue(threads));
            }

            Run(sampleCount, counts, chunk == 0 ? new MaskingOptions().MaxChunkBytes : chunk, parse.GetValue(sweep));
            return 0;
        });
        return command;
    }

    private static void Run(int sampleCount, int[] counts, long chunkBytes, bool sweep)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        using var model = new BenchCnn();
        model.eval();
        var images = torch.rand(sampleCount, 1, 28, 28);
        long[] labels = [.. Enumerable.Range(0, sampleCount).Select(s => (long)(s % 10))];
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"CNN conv32-conv64-fc256 on 1x28x28, {Environment.ProcessorCount} cores, {torch.get_num_threads()} Torch threads, median over {sampleCount} samples."));
        Console.WriteLine("Input patches: 4x4 grid of 7x7 patches, margin 0, zero baseline. Feature-map patches: 8x8 grid over the 64x14x14 map after the second ReLU, central 6x6.");
        Console.WriteLine();
        Console.WriteLine("| variables | n | chunk bytes | rows/chunk | wall s/sample | CPU s/sample | masked rows/s (wall) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (int n in counts)
        {
            foreach (var (name, vars, rowBytes) in Settings(n))
            {
                Report(name, n, chunkBytes, rowBytes, Time(model, vars, images, labels, chunkBytes));
            }
        }

        if (sweep)
        {
            foreach (long bytes in SweepChunkBytes)
            {
                foreach (var (name, vars, rowBytes) in Settings(counts.Max()))
                {
                    Report(name, counts.Max(), bytes, rowBytes, Time(model, vars, images, labels, bytes));
                }
            }
        }
    }

    private static IEnumerable<(string Name, InputVariables Variables, long RowBytes)> Settings(int n)
    {
        yield return ("input patches", new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.RandomCentral(n, seed: 1, margin: 0)), 1 * 28 * 28 * 4);
        yield return ("feature-map patches", new FeatureMapPatchVariables(PatchSelection.RandomCentral(n, seed: 1)), 64 * 14 * 14 * 4);
    }

    /// <summary>Median wall-clock and process CPU seconds of one sample's 2^n masked passes (after one warm-up run).</summary>
    private static (double Wall, double Cpu) Time(BenchCnn model, InputVariables variables, Tensor images, long[] labels, long chunkBytes)
    {
        var evaluator = new MaskedOutputEvaluator(new MaskingOptions { MaxChunkBytes = chunkBytes });
        evaluator.Evaluate(model, variables, [images[0]], [labels[0]]);
        double[] wall = new double[labels.Length];
        double[] cpu = new double[labels.Length];
        using var process = Process.GetCurrentProcess();
        for (int s = 0; s < labels.Length; s++)
        {
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            evaluator.Evaluate(model, variables, [images[s]], [labels[s]]);
            wall[s] = watch.Elapsed.TotalSeconds;
            process.Refresh();
            cpu[s] = (process.TotalProcessorTime - cpuStart).TotalSeconds;
        }

        Array.Sort(wall);
        Array.Sort(cpu);
        return (wall[wall.Length / 2], cpu[cpu.Length / 2]);
    }

    private static void Report(string name, int n, long chunkBytes, long rowBytes, (double Wall, double Cpu) seconds) =>
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {name} | {n} | {chunkBytes:N0} | {Math.Max(1, chunkBytes / rowBytes):N0} | {seconds.Wall:F3} | {seconds.Cpu:F3} | {(1 << n) / seconds.Wall:N0} |"));

    /// <summary>conv32-relu-pool-conv64-relu (split here, 64x14x14)-pool-fc256-relu-fc10, as the design pilot.</summary>
    private sealed class BenchCnn : nn.Module<Tensor, Tensor>, IFeatureMapSplit
    {
        private readonly Conv2d conv1;
        private readonly Conv2d conv2;
        private readonly MaxPool2d pool;
        private readonly Linear fc1;
        private readonly Linear fc2;

        public BenchCnn() : base(nameof(BenchCnn))
        {
            conv1 = nn.Conv2d(1, 32, 3, padding: 1);
            conv2 = nn.Conv2d(32, 64, 3, padding: 1);
            pool = nn.MaxPool2d(2);
            fc1 = nn.Linear(64 * 7 * 7, 256);
            fc2 = nn.Linear(256, 10);
            RegisterComponents();
        }

        public string FeatureMapName => "relu2";

        public Tensor ForwardPrefix(Tensor input)
        {
            using var scope = torch.NewDisposeScope();
            var hidden = pool.call(nn.functional.relu(conv1.call(input)));
            return nn.functional.relu(conv2.call(hidden)).MoveToOuterDisposeScope();
        }

        public Tensor ForwardSuffix(Tensor featureMap)
        {
            using var scope = torch.NewDisposeScope();
            var hidden = nn.functional.relu(fc1.call(pool.call(featureMap).flatten(1)));
            return fc2.call(hidden).MoveToOuterDisposeScope();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = torch.NewDisposeScope();
            return ForwardSuffix(ForwardPrefix(input)).MoveToOuterDisposeScope();
        }
    }
}
