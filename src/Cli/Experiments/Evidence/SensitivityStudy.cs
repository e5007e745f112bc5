using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Decomposition;
using Spindle.Monitor.Interactions;
using static Spindle.Cli.Experiments.Evidence.EvidenceStudy;

namespace Spindle.Cli.Experiments.Evidence;

/// <summary>
/// <c>spindle experiment sensitivity</c>: the same checkpoints checked under the analyst's other choices (variable
/// seed, n, probe count, input patches or feature maps, masking baseline): which conclusions survive, and how many
/// probes make a check's interval useful.
/// </summary>
internal static class SensitivityStudy
{
    /// <summary>The study's name.</summary>
    public const string Name = "sensitivity";

    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Command()
    {
        var models = new Option<string[]>("--models") { Description = "Models, space-separated (cnn, vgg11): the models of 'experiment claims'.", DefaultValueFactory = _ => ["cnn"], AllowMultipleArgumentsPerToken = true };
        var size = new Option<int>("--train-size") { Description = "Training images per model (as in 'experiment claims', whose models are reused).", DefaultValueFactory = _ => 500 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per model.", DefaultValueFactory = _ => 15 };
        var variableSeeds = new Option<int[]>("--variable-seeds") { Description = "Seeds of the random patch choice besides the default 0, space-separated.", DefaultValueFactory = _ => [1, 2], AllowMultipleArgumentsPerToken = true };
        var counts = new Option<int[]>("--variable-counts") { Description = "Numbers n of variables besides the default 8, space-separated (2..12; 2^n masked passes per probe).", DefaultValueFactory = _ => [6, 10], AllowMultipleArgumentsPerToken = true };
        var probes = new Option<int[]>("--probe-counts") { Description = "Probe counts besides the default 12, space-separated.", DefaultValueFactory = _ => [4, 8, 16, 32], AllowMultipleArgumentsPerToken = true };
        var baselines = new Option<int>("--baselines") { Description = "Baseline models k for the SIM and the A_gen/A_non split.", DefaultValueFactory = _ => 1 };
        var baseProbes = new Option<int>("--probes") { Description = "Probe count of the default choice and of every variable variant.", DefaultValueFactory = _ => 12 };
        return EvidenceStudy.Create(
            Name,
            "Sensitivity: the claims study's checkpoints checked under other variable seeds, n, probe counts, feature maps and a black baseline; which conclusions survive, and how wide the intervals are.",
            [0, 1, 2],
            [models, size, epochs, variableSeeds, counts, probes, baselines, baseProbes],
            (parse, context, token) =>
            {
                var settings = new Settings(parse.GetValue(models)!, parse.GetValue(size), parse.GetValue(epochs), parse.GetValue(variableSeeds)!, parse.GetValue(counts)!, parse.GetValue(probes)!, parse.GetValue(baselines), parse.GetValue(baseProbes));
                settings.Validate();
                var records = context.Records();
                var cache = new Dictionary<string, List<InteractionExtraction>>(StringComparer.Ordinal);
                foreach (var seed in context.Seeds)
                {
                    foreach (var variant in settings.Variants())
                    {
                        foreach (var model in settings.Models)
                        {
                            token.ThrowIfCancellationRequested();
                            records.Get(Key(variant, model, seed), () => Measure(context, settings, variant, model, seed, cache, token));
                        }
                    }
                }

                Report(context, settings, records);
                return 0;
            });
    }

    private static string Key(Variant variant, string model, int seed) => string.Create(CultureInfo.InvariantCulture, $"{variant.Id}|{model}|seed{seed}");

    /// <summary>
    /// The first <paramref name="count"/> samples of an extraction, with τ and Z recomputed from them as an extraction of
    /// those samples alone would have (each sample's solution does not depend on the others; τ scales with their mean
    /// |v(N) - v(∅)|).
    /// </summary>
    /// <param name="extraction">The extraction.</param>
    /// <param name="count">How many samples to keep.</param>
    /// <returns>The smaller extraction.</returns>
    public static InteractionExtraction FirstSamples(InteractionExtraction extraction, int count)
    {
        if (count >= extraction.Samples.Count)
        {
            return extraction;
        }

        static double Span(SampleInteractions s) => Math.Abs(s.Values[^1] - s.Values[0]);
        var samples = extraction.Samples.Take(count).ToList();
        var fullSpan = extraction.Samples.Average(Span);
        var tau = fullSpan > 0 ? extraction.Tau / fullSpan * samples.Average(Span) : extraction.Tau;
        return new InteractionExtraction
        {
            VariableCount = extraction.VariableCount,
            Solver = extraction.Solver,
            NoiseThreshold = extraction.NoiseThreshold,
            FirstOrderOrFolded = extraction.FirstOrderOrFolded,
            Tau = tau,
            Normalization = InteractionDistributions.NormalizationConstant([.. samples.Select(x => x.And)], [.. samples.Select(x => x.Or)], tau),
            Samples = samples,
        };
    }

    private static JsonObject Measure(EvidenceContext context, Settings settings, Variant variant, string model, int seed, Dictionary<string, List<InteractionExtraction>> cache, CancellationToken token)
    {
        var zoo = context.Zoo;
        var target = new ModelSpec(model, settings.TrainSize, settings.Epochs, seed, 0);
        var specs = Enumerable.Range(0, settings.Baselines + 1).Select(p => target with { Part = p }).ToArray();
        foreach (var spec in specs)
        {
            zoo.Ensure(spec, token);
        }

        // Variants that differ only in the probe count share one extraction of the most probes any of them needs.
        var cacheKey = string.Create(CultureInfo.InvariantCulture, $"{variant.Choice}|{model}|{seed}");
        if (!cache.TryGetValue(cacheKey, out var full))
        {
            var probeCount = settings.Variants().Where(v => v.Choice == variant.Choice).Max(v => v.Probes);
            var (images, labels) = zoo.Probes(target, probeCount);
            full = [];
            using (images)
            {
                using (var early = zoo.Load(target, early: true))
                {
                    full.Add(variant.Choice.Extract(early, images, labels));
                }

                foreach (var spec in specs)
                {
                    token.ThrowIfCancellationRequested();
                    using var network = zoo.Load(spec);
                    full.Add(variant.Choice.Extract(network, images, labels));
                }
            }

            cache.Clear();
            cache[cacheKey] = full;
        }

        var extractions = full.Select(e => FirstSamples(e, variant.Probes)).ToList();
        var checks = InteractionCheck.AnalyzeSeries([extractions[0], extractions[1]], new InteractionCheckOptions { BootstrapReplicates = 200 });
        var final = extractions[1];
        var split = Generalizability.Split(
            [.. final.Samples.Select(s => s.And)],
            [.. final.Samples.Select(s => s.Or)],
            [.. extractions.Skip(2).Select(e => (IReadOnlyList<double[]>)[.. e.Samples.Select(s => s.And)])],
            [.. extractions.Skip(2).Select(e => (IReadOnlyList<double[]>)[.. e.Samples.Select(s => s.Or)])],
            final.Tau);
        var change = CheckComparison.Compare(checks[0], checks[1], CheckMetric.SpindleMass);
        var interval = checks[1].Uncertainty?.Interval(CheckMetric.SpindleMass);
        context.Log.WriteLine($"{DateTime.Now:HH:mm:ss} {variant.Id} {model} seed {seed}: done.");
        return new JsonObject
        {
            ["variant"] = variant.Id,
            ["model"] = model,
            ["seed"] = seed,
            ["spindle"] = Number(checks[1].Summary?.SpindleMass ?? double.NaN),
            ["spindleLower"] = Number(interval?.Lower ?? double.NaN),
            ["spindleUpper"] = Number(interval?.Upper ?? double.NaN),
            ["spindleEpoch1"] = Number(checks[0].Summary?.SpindleMass ?? double.NaN),
            ["riseSignificant"] = change.IsSignificant && change.Difference > 0,
            ["riseDifference"] = Number(change.Difference),
            ["decay"] = Number(checks[1].Summary?.DecayMass ?? double.NaN),
            ["share"] = Number(checks[1].Summary?.SpindleShare ?? double.NaN),
            ["cancellation"] = Number(checks[1].CancellationMass ?? double.NaN),
            ["cancellationEpoch1"] = Number(checks[0].CancellationMass ?? double.NaN),
            ["sim"] = Number(Faithfulness.Similarity(split.Generalizable, split.NonGeneralizable, checks[1].Fit.Decay, checks[1].Fit.Spindle)),
            ["genMeanOrder"] = Number(Stats.MeanOrder(split.Generalizable)),
            ["nonMeanOrder"] = Number(Stats.MeanOrder(split.NonGeneralizable)),
            ["genDecays"] = Stats.Decays(split.Generalizable),
            ["nonSpindle"] = Stats.IsSpindle(split.NonGeneralizable),
            ["nonShare"] = Number(split.NonGeneralizable.Mass / split.All.Mass),
            ["allConverged"] = extractions.All(e => e.AllConverged == true),
        };
    }

    private static void Report(EvidenceContext context, Settings settings, RecordStore records)
    {
        var text = new StringBuilder();
        text.AppendLine("# Sensitivity to the analyst's choices").AppendLine();
        text.AppendLine("A check depends on choices the user makes once: which variables (input patches or feature-map patches, how many, which ones: the seed of the random choice), what a masked variable becomes (the baseline), and how many probe samples. Here the same checkpoints are checked under each choice, one change at a time from the default, and the conclusions of the other studies are tested under each.").AppendLine();
        text.AppendLine("## Setup").AppendLine();
        text.AppendLine($"- Command: `{context.CommandLine}`.");
        text.AppendLine($"- Checkpoints: the models of [the claims study](claims.md) ({string.Join(", ", settings.Models)}; {settings.TrainSize} training images, {settings.Epochs} epochs, Adam; seeds {List(context.Seeds)}): the target after epoch 1 and at the end, and baselines 1..{settings.Baselines}. Data: {context.Zoo.DataDescription}.");
        text.AppendLine($"- Default: n = 8 input patches of a 4x4 grid (`RandomCentral(8, seed 0, margin 0)`), masked to 0 after normalisation (the mean intensity), {settings.BaseProbes} probes (the first images of the target's training part), exact solver, `InteractionCheck.AnalyzeSeries([epoch 1, final])` with 200 bootstrap replicates (90% intervals). Feature maps: relu2, the second ReLU's output of each model, 8x8 grid, one-cell margin. *black*: masked patches set to raw pixel 0 (-0.81 after normalisation).");
        text.AppendLine($"- Conclusions tested per choice and seed: (1) the spindle mass rose from epoch 1 to the end, significantly by the paired bootstrap; (2) A_non has a higher mean order than A_gen (Claims 1-2); (3) A_gen decay-shaped; (4) A_non spindle-shaped; and the value of SIM (k = {settings.Baselines} baseline{(settings.Baselines == 1 ? string.Empty : "s")}). Probe-count variants use the first probes of one extraction of the most probes (τ and Z recomputed from the kept probes).").AppendLine();
        var table = new List<string[]>();
        var widths = new List<(string Model, int Probes, double Width)>();
        foreach (var variant in settings.Variants())
        {
            foreach (var model in settings.Models)
            {
                var rows = context.Seeds.Select(s => records.Find(Key(variant, model, s))).Where(r => r is not null).Select(r => r!).ToList();
                if (rows.Count == 0)
                {
                    table.Add([variant.Label, model, "not run", string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty]);
                    continue;
                }

                var relativeWidth = rows.Select(r => (Read(r["spindleUpper"]) - Read(r["spindleLower"])) / Read(r["spindle"])).Where(double.IsFinite).ToList();
                if (variant.Choice == VariableChoice.Default)
                {
                    widths.AddRange(relativeWidth.Select(w => (model, variant.Probes, w)));
                }

                table.Add([
                    variant.Label, model, rows.Count.ToString(CultureInfo.InvariantCulture),
                    Stats.Spread([.. rows.Select(r => Read(r["spindleEpoch1"]))], "F2"),
                    Stats.Spread([.. rows.Select(r => Read(r["spindle"]))], "F2"),
                    Stats.Spread(relativeWidth, "F2"),
                    $"{rows.Count(r => (bool)r["riseSignificant"]!)}/{rows.Count}",
                    Stats.Spread([.. rows.Select(r => Read(r["decay"]))], "F2"),
                    Stats.Spread([.. rows.Select(r => Read(r["sim"]))], "F2"),
                    $"{rows.Count(r => Read(r["genMeanOrder"]) < Read(r["nonMeanOrder"]))}/{rows.Count}",
                    $"{rows.Count(r => (bool)r["genDecays"]!)}/{rows.Count}",
                    $"{rows.Count(r => (bool)r["nonSpindle"]!)}/{rows.Count}",
                ]);
            }
        }

        text.AppendLine("## Results").AppendLine();
        text.Append(Table(["choice", "model", "seeds", "spindle / Z, epoch 1", "spindle / Z, final", "90% interval width / value (final)", "(1) rise significant", "decay / Z, final", "SIM", "(2) mean order gen < non", "(3) A_gen decays", "(4) A_non spindle"], table));
        text.AppendLine("Mean ± sd over seeds (range); counts are seeds where the conclusion holds.").AppendLine();
        if (widths.Count > 0)
        {
            var counts = widths.Select(w => w.Probes).Distinct().Order().ToArray();
            var models = settings.Models.Where(m => widths.Any(w => w.Model == m)).ToArray();
            var (path, link) = context.Figure("interval-width.png");
            List<double> Widths(string model, int count) => [.. widths.Where(w => w.Model == model && w.Probes == count).Select(w => w.Width)];
            EvidencePlots.Lines(
                path,
                "Width of the spindle mass's 90% interval relative to its value, by probe count",
                "probes",
                "interval width / value",
                [.. counts.Select(c => (double)c)],
                [.. models.Select((m, i) => new PlotSeries($"{m}, mean ± sd over seeds", EvidencePlots.Palette[(i + 1) % EvidencePlots.Palette.Length], [.. counts.Select(c => Stats.Mean(Widths(m, c)))], [.. counts.Select(c => Stats.StandardDeviation(Widths(m, c)))]))],
                logX: true);
            text.AppendLine($"![interval width]({link})").AppendLine();
            text.AppendLine("Width of the 90% interval of the final spindle mass relative to its value, and how often the paired bootstrap called the rise from epoch 1 significant, by probe count and model (default variables):").AppendLine();
            text.Append(Table(
                ["probes", "model", "interval width / value", "rise significant"],
                counts.SelectMany(c => models.Select(m =>
                {
                    var rows = context.Seeds.Select(s => records.Find(Key(settings.Variants().First(v => v.Choice == VariableChoice.Default && v.Probes == c), m, s))).Where(r => r is not null).Select(r => r!).ToList();
                    return (IReadOnlyList<string>)[c.ToString(CultureInfo.InvariantCulture), m, Stats.Spread([.. Widths(m, c)], "F2"), $"{rows.Count(r => (bool)r["riseSignificant"]!)}/{rows.Count}"];
                }))));
        }

        text.AppendLine("## What this says").AppendLine();
        text.AppendLine(Verdict(settings, context, records));
        WriteReport(context, text.ToString());
    }

    private static string Verdict(Settings settings, EvidenceContext context, RecordStore records)
    {
        var text = new StringBuilder();
        foreach (var (name, test) in new (string, Func<JsonObject, bool>)[]
        {
            ("(1) the spindle rose significantly from epoch 1 to the end", r => (bool)r["riseSignificant"]!),
            ("(2) A_non has the higher mean order", r => Read(r["genMeanOrder"]) < Read(r["nonMeanOrder"])),
            ("(3) A_gen decay-shaped", r => (bool)r["genDecays"]!),
            ("(4) A_non spindle-shaped", r => (bool)r["nonSpindle"]!),
        })
        {
            // Per model: a conclusion can hold for one model's every seed and for none of another's.
            foreach (var model in settings.Models)
            {
                var perVariant = settings.Variants().Select(v => (v, Rows: context.Seeds.Select(s => records.Find(Key(v, model, s))).Where(r => r is not null).Select(r => r!).ToList())).Where(x => x.Rows.Count > 0).ToList();
                if (perVariant.Count == 0)
                {
                    continue;
                }

                var holdsEverywhere = perVariant.Where(x => x.Rows.All(test)).Select(x => x.v.Label).ToList();
                var failsEverywhere = perVariant.Where(x => !x.Rows.Any(test)).Select(x => x.v.Label).ToList();
                text.AppendLine($"- {name}, {model}: holds for every seed under {holdsEverywhere.Count} of {perVariant.Count} choices{(holdsEverywhere.Count is > 0 and < 8 ? $" ({string.Join("; ", holdsEverywhere)})" : string.Empty)}; for no seed under {failsEverywhere.Count}{(failsEverywhere.Count is > 0 and < 8 ? $" ({string.Join("; ", failsEverywhere)})" : string.Empty)}.");
            }
        }

        return text.ToString();
    }

    /// <summary>One analyst's choice: the variables and the probe count.</summary>
    private sealed record Variant(string Id, string Label, VariableChoice Choice, int Probes);

    private sealed record Settings(string[] Models, int TrainSize, int Epochs, int[] VariableSeeds, int[] VariableCounts, int[] ProbeCounts, int Baselines, int BaseProbes)
    {
        public IEnumerable<Variant> Variants()
        {
            var d = VariableChoice.Default;
            yield return new Variant("default", string.Create(CultureInfo.InvariantCulture, $"default (input n=8, seed 0, mean, {BaseProbes} probes)"), d, BaseProbes);
            foreach (var p in ProbeCounts.Where(p => p != BaseProbes))
            {
                yield return new Variant($"probes{p}", $"{p} probes", d, p);
            }

            foreach (var s in VariableSeeds.Where(s => s != 0))
            {
                yield return new Variant($"seed{s}", $"variable seed {s}", d with { Seed = s }, BaseProbes);
            }

            yield return new Variant("black", "black baseline (raw 0)", d with { BlackBaseline = true }, BaseProbes);
            yield return new Variant("featuremap", "feature map relu2, n=8", d with { FeatureMap = true }, BaseProbes);
            foreach (var n in VariableCounts.Where(n => n != 8).Order())
            {
                yield return new Variant($"n{n}", $"n = {n}", d with { Count = n }, BaseProbes);
            }
        }

        public void Validate()
        {
            if (Models.Length == 0 || Models.Any(m => m is not ("cnn" or "vgg11")))
            {
                throw new ArgumentException($"--models: choose among cnn, vgg11; got '{string.Join(' ', Models)}'.");
            }

            if (VariableCounts.Any(n => n is < 2 or > 12))
            {
                throw new ArgumentException("--variable-counts: each n must lie in 2..12.");
            }

            if (ProbeCounts.Any(p => p < 2) || BaseProbes < 2)
            {
                throw new ArgumentException("--probe-counts and --probes: need at least 2 probes (the bootstrap resamples them).");
            }

            if (VariableSeeds.Any(s => s < 0))
            {
                throw new ArgumentException("--variable-seeds: need seeds ≥ 0.");
            }

            if (Baselines is < 1 or >= ModelZoo.PartCount)
            {
                throw new ArgumentException($"--baselines: need 1..{ModelZoo.PartCount - 1}.");
            }
        }
    }
}
