using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Spindle.Monitor.Checks;
using static Spindle.Cli.Experiments.Evidence.EvidenceStudy;

namespace Spindle.Cli.Experiments.Evidence;

/// <summary>
/// <c>spindle experiment dynamics</c>: the two-phase dynamics of Figure 3. Reads the early-stopping study's recorded
/// series (mlp and cnn, 1,000 and 10,000 images, 0% and 10% label noise, Adam) and trains new arms (5% noise, SGD, a
/// cosine learning-rate schedule, VGG-11), each with a check after every epoch: when does the spindle fall and when does
/// it rise, against the test loss?
/// </summary>
internal static class DynamicsStudy
{
    /// <summary>The study's name.</summary>
    public const string Name = "dynamics";

    /// <summary>The new arms the study can train.</summary>
    public static readonly string[] KnownArms = ["noise5", "sgd", "cosine", "vgg11"];

    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Command()
    {
        var recorded = new Option<string>("--recorded-runs") { Description = "Folder of the early-stopping study's run folders, read for the Adam arms (monitor-* runs); missing: those arms are left out.", DefaultValueFactory = _ => "experiments/early-stopping/runs" };
        var arms = new Option<string[]>("--arms") { Description = $"New arms to train, space-separated ({string.Join(", ", KnownArms)}): cnn on --train-size images with Adam and 5% noise; SGD 0.05 momentum 0.9, 10% noise; Adam with a cosine schedule, 10% noise; vgg11 (width 0.25) with Adam, 10% noise.", DefaultValueFactory = _ => KnownArms, AllowMultipleArgumentsPerToken = true };
        var size = new Option<int>("--train-size") { Description = "Training images of the new arms (class-balanced).", DefaultValueFactory = _ => 1000 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of the new arms; the recorded series are cut to the same length.", DefaultValueFactory = _ => 15 };
        var probes = new Option<int>("--probes") { Description = "Probes of the new arms' checks (the first training images whose labels were not flipped; the recorded series used 12).", DefaultValueFactory = _ => 12 };
        return EvidenceStudy.Create(
            Name,
            "Two-phase dynamics (Figure 3): spindle, decay and cancellation mass with intervals at every epoch beside train and test loss, for the early-stopping records and new arms (5% noise, SGD, cosine schedule, VGG-11).",
            [0, 1, 2],
            [recorded, arms, size, epochs, probes],
            (parse, context, token) =>
            {
                var armList = parse.GetValue(arms)!;
                if (armList.Any(a => !KnownArms.Contains(a)))
                {
                    throw new ArgumentException($"--arms: choose among {string.Join(", ", KnownArms)}; got '{string.Join(' ', armList)}'.");
                }

                var trainSize = parse.GetValue(size);
                var epochCount = parse.GetValue(epochs);
                var probeCount = parse.GetValue(probes);
                if (trainSize < 10 || trainSize % 10 != 0 || epochCount < 2 || probeCount < 2)
                {
                    throw new ArgumentException("--train-size: need a positive multiple of the 10 classes; --epochs: at least 2; --probes: at least 2.");
                }

                var runs = armList.SelectMany(a => context.Seeds.Select(s => NewRun(a, trainSize, s))).ToList();
                if (!context.ReportOnly)
                {
                    foreach (var run in runs)
                    {
                        token.ThrowIfCancellationRequested();
                        DynamicsRecorder.Record(run, Path.Combine(context.Folder, "runs", run.Name), context.Zoo, epochCount, probeCount, context.Log, token);
                    }
                }

                Report(context, parse.GetValue(recorded)!, runs, epochCount, probeCount);
                return 0;
            });
    }

    /// <summary>The run of a new arm.</summary>
    /// <param name="arm">The arm.</param>
    /// <param name="trainSize">Training images.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The run.</returns>
    public static DynamicsRun NewRun(string arm, int trainSize, int seed) => arm switch
    {
        "noise5" => new DynamicsRun("adam", "cnn", trainSize, 0.05, seed),
        "sgd" => new DynamicsRun("sgd", "cnn", trainSize, 0.1, seed),
        "cosine" => new DynamicsRun("cosine", "cnn", trainSize, 0.1, seed),
        "vgg11" => new DynamicsRun("adam", "vgg11", trainSize, 0.1, seed),
        _ => throw new ArgumentException($"--arms: unknown arm '{arm}'."),
    };

    /// <summary>The numbers of one epoch of a run.</summary>
    private sealed record Epoch(int Number, double TrainLoss, double TestLoss, double TestAccuracy, CheckResult Check)
    {
        public double Spindle => Check.Summary?.SpindleMass ?? double.NaN;
    }

    private sealed record Series(string Group, string Source, int Seed, IReadOnlyList<Epoch> Epochs);

    private static List<Epoch> Parse(IReadOnlyList<string> lines, int epochs)
    {
        var result = new List<Epoch>();
        foreach (var line in lines)
        {
            var node = JsonNode.Parse(line)!;
            var epoch = (int)node["epoch"]!;
            if (epoch > epochs || node["check"] is null)
            {
                continue;
            }

            result.Add(new Epoch(epoch, Read(node["trainLoss"]), Read(node["testLoss"]), Read(node["testAccuracy"]), CheckResult.FromJson(node["check"]!.ToJsonString())));
        }

        return result;
    }

    private static List<Series> Load(EvidenceContext context, string recorded, List<DynamicsRun> runs, int epochs)
    {
        var all = new List<Series>();
        if (Directory.Exists(recorded))
        {
            foreach (var folder in Directory.GetDirectories(recorded, "monitor-*").Order(StringComparer.Ordinal))
            {
                if (!File.Exists(Path.Combine(folder, "done.json")))
                {
                    continue;
                }

                var name = Path.GetFileName(folder)["monitor-".Length..];
                var seed = int.Parse(name[(name.LastIndexOf("-seed", StringComparison.Ordinal) + 5)..], CultureInfo.InvariantCulture);
                var group = "adam-" + name[..name.LastIndexOf("-seed", StringComparison.Ordinal)];
                all.Add(new Series(group, "early-stopping records", seed, Parse(DynamicsRecorder.ReadLines(folder), epochs)));
            }
        }

        foreach (var run in runs)
        {
            var folder = Path.Combine(context.Folder, "runs", run.Name);
            if (DynamicsRecorder.IsComplete(folder))
            {
                all.Add(new Series($"{run.Arm}-{run.Group}", "new run", run.Seed, Parse(DynamicsRecorder.ReadLines(folder), epochs)));
            }
        }

        return all;
    }

    private static int ArgMin(IReadOnlyList<Epoch> epochs, Func<Epoch, double> value)
    {
        var best = epochs.Where(e => double.IsFinite(value(e))).MinBy(value);
        return best?.Number ?? -1;
    }

    private static void Report(EvidenceContext context, string recorded, List<DynamicsRun> runs, int epochs, int probes)
    {
        var series = Load(context, recorded, runs, epochs);
        var text = new StringBuilder();
        text.AppendLine("# Two-phase dynamics (Figure 3)").AppendLine();
        text.AppendLine("The paper describes two phases: first the network removes the non-generalizable (spindle-shaped) interactions while test and train loss stay close, then, once it overfits, it learns them again and the spindle grows with the train-test gap. Measured before this study, on a small CNN with input patches, the fall lasted only from epoch 0 to epochs 1-4 while the test loss fell until epochs 8-13. Does a longer first phase appear with a learning-rate schedule, SGD, a larger training set or a larger model?").AppendLine();
        text.AppendLine("## Setup").AppendLine();
        text.AppendLine($"- Command: `{context.CommandLine}`.");
        text.AppendLine($"- Recorded series (read, not retrained): `{recorded}/monitor-*`, written by `spindle experiment early-stopping` (Adam 1e-3, batch 64; mlp and cnn; 1,000 and 10,000 class-balanced images; 0% and 10% flipped labels; test loss on 5,000 test images; cut here to epochs 0-{epochs}).");
        text.AppendLine($"- New runs ({context.Zoo.DataDescription}): `cnn`, {(runs.Count > 0 ? runs[0].TrainCount : 0)} class-balanced images, batch 64, {epochs} epochs, test loss on a fixed class-balanced subset of {context.Zoo.Test.Count} test images. Arms: *adam, 5% noise*; *sgd*: SGD lr 0.05, momentum 0.9, 10% noise; *cosine*: Adam 1e-3 with a cosine schedule from 1e-3 to 0 over the run, 10% noise; *vgg11*: VGG-11 at width 0.25 with Adam 1e-3, 10% noise. None was tuned.");
        text.AppendLine($"- Check at every epoch (and before training), as the early-stopping records: the first {probes} training images whose labels were not flipped, n = 8 input patches of a 4x4 grid, `InteractionCheck` defaults (δ calibrated at epoch 0 and held, 200 bootstrap replicates, 90% intervals). Masses on each check's own Z scale. Seeds of the new runs: {List(context.Seeds)}; the recorded series are read for every seed they hold.");
        if (series.Count == 0)
        {
            text.AppendLine("**Not run: no records.**");
            WriteReport(context, text.ToString());
            return;
        }

        // The recorded series keep the fit their checks were recorded with; a check stores distributions, not the raw
        // interactions a refit would need. The cancellation mass is model-free and does not depend on the fit.
        foreach (var source in series.GroupBy(s => s.Source).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var floors = source.SelectMany(s => s.Epochs).Select(e => e.Check.Fit.MinAlpha).Distinct().Order().Select(a => a.ToString("0.###", CultureInfo.InvariantCulture));
            var isNew = source.Key == "new run";
            var current = new Spindle.Monitor.Decomposition.DecompositionFitOptions().MinAlpha;
            var outdated = !isNew && source.SelectMany(s => s.Epochs).Any(e => e.Check.Fit.MinAlpha != current);
            text.AppendLine($"- Checks of the {(isNew ? "new runs" : source.Key)}: fitted with α ≥ {string.Join(" or ", floors)}{(outdated ? $", as recorded, not today's default α ≥ {current:0.##} (a check stores distributions, not the interactions a refit needs, so these spindle and decay masses keep the fit defaults of the day they were recorded; the cancellation mass does not depend on the fit)" : string.Empty)}.");
        }

        text.AppendLine();
        var table = new List<string[]>();
        var groups = series.GroupBy(s => s.Group).OrderBy(g => g.First().Source == "new run").ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        foreach (var group in groups)
        {
            var list = group.ToList();
            table.Add([
                group.Key, group.First().Source, list.Count.ToString(CultureInfo.InvariantCulture),
                Stats.Spread([.. list.Select(s => (double)ArgMin(s.Epochs, e => e.Spindle))], "F1"),
                Stats.Spread([.. list.Select(s => (double)ArgMin(s.Epochs, e => e.Check.CancellationMass ?? double.NaN))], "F1"),
                Stats.Spread([.. list.Select(s => (double)ArgMin(s.Epochs, e => e.TestLoss))], "F1"),
                Stats.Spread([.. list.Select(s => (double)ArgMin(s.Epochs, e => -e.TestAccuracy))], "F1"),
                Stats.Spread([.. list.Select(s => s.Epochs[^1].Spindle / s.Epochs.Where(e => double.IsFinite(e.Spindle)).Min(e => e.Spindle))], "F1"),
                Stats.Spread([.. list.Select(s => Stats.Spearman([.. s.Epochs.Skip(1).Select(e => e.Spindle)], [.. s.Epochs.Skip(1).Select(e => e.TestLoss - e.TrainLoss)]))], "F2"),
                Stats.Spread([.. list.Select(s => s.Epochs.Min(e => e.TestLoss))], "F3"),
                Stats.Spread([.. list.Select(s => s.Epochs[^1].TestAccuracy)], "F3"),
            ]);
        }

        text.AppendLine("## When does the spindle fall and rise?").AppendLine();
        text.Append(Table(["arm-model-size-noise", "source", "runs", "epoch of spindle minimum", "epoch of cancellation minimum", "epoch of test-loss minimum", "epoch of best test accuracy", "spindle last / minimum", "rank corr. spindle vs test-train loss gap", "lowest test loss", "final test accuracy"], table));
        text.AppendLine("Mean ± sd over seeds (range). Epoch 0 is the untrained model. The rank correlation is over epochs 1..last.").AppendLine();
        foreach (var group in groups)
        {
            var list = group.ToList();
            var length = list.Min(s => s.Epochs.Count);
            var xs = Enumerable.Range(0, length).Select(i => (double)list[0].Epochs[i].Number).ToArray();
            double[] Mean(Func<Epoch, double> f) => [.. Enumerable.Range(0, length).Select(i => Stats.Mean([.. list.Select(s => f(s.Epochs[i]))]))];
            var (massPath, massLink) = context.Figure($"masses-{group.Key}.png");
            EvidencePlots.Lines(
                massPath,
                $"{group.Key}: masses / Z per epoch (mean over {list.Count} seeds; band: mean 90% interval)",
                "epoch",
                "mass / Z",
                xs,
                [
                    new PlotSeries("spindle", EvidencePlots.Palette[1], Mean(e => e.Spindle), Lower: Mean(e => e.Check.Uncertainty?.Interval(CheckMetric.SpindleMass)?.Lower ?? double.NaN), Upper: Mean(e => e.Check.Uncertainty?.Interval(CheckMetric.SpindleMass)?.Upper ?? double.NaN)),
                    new PlotSeries("decay", EvidencePlots.Palette[0], Mean(e => e.Check.Summary?.DecayMass ?? double.NaN)),
                    new PlotSeries("cancellation", EvidencePlots.Palette[2], Mean(e => e.Check.CancellationMass ?? double.NaN), Dashed: true),
                ]);
            var (lossPath, lossLink) = context.Figure($"losses-{group.Key}.png");
            EvidencePlots.Lines(
                lossPath,
                $"{group.Key}: train and test loss (mean over {list.Count} seeds)",
                "epoch",
                "cross-entropy",
                xs[1..],
                [
                    new PlotSeries("train loss", EvidencePlots.Palette[4], Mean(e => e.TrainLoss)[1..]),
                    new PlotSeries("test loss", EvidencePlots.Palette[3], Mean(e => e.TestLoss)[1..]),
                ]);
            text.AppendLine($"### {group.Key}").AppendLine();
            text.AppendLine($"![masses]({massLink}) ![losses]({lossLink})").AppendLine();
        }

        var example = series.FirstOrDefault(s => s.Group == "adam-cnn-1000-noise10" && s.Seed == context.Seeds[0]) ?? series[0];
        var picks = new[] { 0, ArgMin(example.Epochs, e => e.Spindle), ArgMin(example.Epochs, e => e.TestLoss), example.Epochs[^1].Number }.Distinct().ToArray();
        var bars = new List<PlotSeries>();
        var slots = new List<int>();
        for (var i = 0; i < picks.Length; i++)
        {
            var data = example.Epochs.First(e => e.Number == picks[i]).Check.Data;
            var z = example.Epochs.First(e => e.Number == picks[i]).Check.Z;
            bars.Add(new PlotSeries($"epoch {picks[i]}", EvidencePlots.Palette[i], [.. data.Positive.Select(v => v / z)]));
            bars.Add(new PlotSeries(null, EvidencePlots.Palette[i], [.. data.Negative.Select(v => v / z)]));
            slots.Add(i);
            slots.Add(i);
        }

        var (orderPath, orderLink) = context.Figure("orders-example.png");
        EvidencePlots.OrderBars(orderPath, $"{example.Group} seed {example.Seed}: A(m)± / Z at epochs {string.Join(", ", picks)} (start, spindle min, test-loss min, end)", "strength / Z", bars, slots);
        text.AppendLine("## Per-order distributions over training").AppendLine();
        text.AppendLine($"![orders]({orderLink})").AppendLine();
        text.AppendLine("## What this says").AppendLine();
        foreach (var group in groups)
        {
            var list = group.ToList();
            var spindleMin = list.Select(s => (double)ArgMin(s.Epochs, e => e.Spindle)).ToList();
            var lossMin = list.Select(s => (double)ArgMin(s.Epochs, e => e.TestLoss)).ToList();
            text.AppendLine(string.Create(
                CultureInfo.InvariantCulture,
                $"- {group.Key}: spindle minimum at epoch {Stats.F(Stats.Mean(spindleMin), "F1")} against the test-loss minimum at {Stats.F(Stats.Mean(lossMin), "F1")} (mean over {list.Count} runs); the spindle's minimum came before the test loss's in {spindleMin.Zip(lossMin).Count(p => p.First < p.Second)} of {list.Count} runs."));
        }

        WriteReport(context, text.ToString());
    }
}
