using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spindle.Monitor.Masking;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spindle.Cli;

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
        var samples = new Option<int>("--sample-count") { Description = "Samples timed per setting (median and minimum are reported).", DefaultValueFactory = _ => 3 };
        var variables = new Option<int[]>("--variables") { Description = SpindleCommands.WithDefault("Numbers n of input variables, space-separated.", "8 10 12"), AllowMultipleArgumentsPerToken = true };
        var chunkBytes = new Option<long[]>("--chunk-bytes") { Description = SpindleCommands.WithDefault("Bytes of masked input per forward chunk, space-separated; 0 for the library default.", "0"), AllowMultipleArgumentsPerToken = true };
        var chunkRows = new Option<int[]>("--chunk-rows") { Description = SpindleCommands.WithDefault("Rows per forward chunk, space-separated; 0 for the library default.", "0"), AllowMultipleArgumentsPerToken = true };
        var sweep = new Option<bool>("--sweep") { Description = SpindleCommands.WithDefault("Also time the largest n of --variables over chunk sizes from 256 KiB to 256 MiB.", "off") };
        var threads = new Option<int>("--threads") { Description = "Torch intra-op threads; 0 keeps Torch's default (one per core).", DefaultValueFactory = _ => 0 };
        var command = new Command("masking", "Time the 2^n masked forward passes per sample of a conv32-conv64-fc256 CNN on 1x28x28 inputs.")
        {
            samples, variables, chunkBytes, chunkRows, sweep, threads,
        };
        command.SetAction(parse =>
        {
            int sampleCount = parse.GetValue(samples);
            int[] counts = SpindleCommands.GetList(parse, variables, [8, 10, 12]);
            long[] chunks = SpindleCommands.GetList(parse, chunkBytes, [0L]);
            int[] rowCaps = SpindleCommands.GetList(parse, chunkRows, [0]);
            if (sampleCount < 1 || chunks.Length == 0 || chunks.Any(c => c < 0) || rowCaps.Length == 0 || rowCaps.Any(r => r < 0) || counts.Length == 0 || counts.Any(n => n < 1 || n > 16))
            {
                Console.Error.WriteLine("spindle bench masking: --sample-count must be at least 1, every --chunk-bytes and --chunk-rows at least 0, and every n in --variables between 1 and 16.");
                return 1;
            }

            if (parse.GetValue(threads) > 0)
            {
                torch.set_num_threads(parse.GetValue(threads));
            }

            var defaults = new MaskingOptions();
            var bounds = chunks.SelectMany(c => rowCaps.Select(r => (c == 0 ? defaults.MaxChunkBytes : c, r == 0 ? defaults.MaxChunkRows : r))).ToArray();
            Run(sampleCount, counts, bounds, parse.GetValue(sweep));
            return 0;
        });
        return command;
    }

    private static void Run(int sampleCount, int[] counts, (long Bytes, int Rows)[] bounds, bool sweep)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        using var model = new BenchCnn();
        model.eval();
        var images = torch.rand(sampleCount, 1, 28, 28);
        long[] labels = [.. Enumerable.Range(0, sampleCount).Select(s => (long)(s % 10))];
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"CNN conv32-conv64-fc256 on 1x28x28, {Environment.ProcessorCount} cores, {torch.get_num_threads()} Torch threads, {sampleCount} samples per setting, settings interleaved."));
        Console.WriteLine("Input patches: 4x4 grid of 7x7 patches, margin 0, zero baseline. Feature-map patches: 8x8 grid over the 64x14x14 map after the second ReLU, central 6x6.");
        Console.WriteLine();
        Console.WriteLine("| variables | n | chunk bytes | rows/chunk | wall s/sample (median) | wall s/sample (min) | CPU s/sample (median) | masked rows/s (median) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        var settings = bounds.SelectMany(bound => counts.SelectMany(n => Settings(n).Select(v => (v.Name, n, v.Variables, v.RowBytes, bound)))).ToList();
        Measure(model, images, labels, settings);
        if (sweep)
        {
            int n = counts.Max();
            Measure(model, images, labels, [.. SweepChunkBytes.SelectMany(bytes => Settings(n).Select(v => (v.Name, n, v.Variables, v.RowBytes, (bytes, int.MaxValue))))]);
        }

        using var process = Process.GetCurrentProcess();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Peak working set of this process: {process.PeakWorkingSet64 / (1 << 20):N0} MiB."));
    }

    private static IEnumerable<(string Name, InputVariables Variables, long RowBytes)> Settings(int n)
    {
        yield return ("input patches", new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.RandomCentral(n, seed: 1, margin: 0)), 1 * 28 * 28 * 4);
        yield return ("feature-map patches", new FeatureMapPatchVariables(PatchSelection.RandomCentral(n, seed: 1)), 64 * 14 * 14 * 4);
    }

    /// <summary>
    /// Times one sample's 2^n masked passes for every setting, round-robin over the settings (one warm-up run each),
    /// so that load from other processes spreads over all settings alike; prints one table row per setting.
    /// </summary>
    private static void Measure(
        BenchCnn model, Tensor images, long[] labels, List<(string Name, int N, InputVariables Variables, long RowBytes, (long Bytes, int Rows) Bound)> settings)
    {
        var evaluators = settings.Select(s => new MaskedOutputEvaluator(new MaskingOptions { MaxChunkBytes = s.Bound.Bytes, MaxChunkRows = s.Bound.Rows })).ToList();
        for (int i = 0; i < settings.Count; i++)
        {
            evaluators[i].Evaluate(model, settings[i].Variables, [images[0]], [labels[0]]);
        }

        double[][] wall = [.. settings.Select(_ => new double[labels.Length])];
        double[][] cpu = [.. settings.Select(_ => new double[labels.Length])];
        using var process = Process.GetCurrentProcess();
        for (int s = 0; s < labels.Length; s++)
        {
            for (int i = 0; i < settings.Count; i++)
            {
                process.Refresh();
                var cpuStart = process.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                evaluators[i].Evaluate(model, settings[i].Variables, [images[s]], [labels[s]]);
                wall[i][s] = watch.Elapsed.TotalSeconds;
                process.Refresh();
                cpu[i][s] = (process.TotalProcessorTime - cpuStart).TotalSeconds;
            }
        }

        for (int i = 0; i < settings.Count; i++)
        {
            var (name, n, _, rowBytes, (chunkBytes, chunkRows)) = settings[i];
            double median = Median(wall[i]);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {name} | {n} | {chunkBytes:N0} | {Math.Min(chunkRows, Math.Max(1, chunkBytes / rowBytes)):N0} | {median:F3} | {wall[i].Min():F3} | {Median(cpu[i]):F3} | {(1 << n) / median:N0} |"));
        }
    }

    private static double Median(double[] values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

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
