using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Decomposition;
using Spindle.Monitor.Interactions;
using Spindle.Monitor.Masking;
using static Spindle.Cli.Experiments.Evidence.EvidenceStudy;

namespace Spindle.Cli.Experiments.Evidence;

/// <summary>
/// <c>spindle experiment solver</c>: the exact solver against the paper's reference SGD procedure on the same masked
/// outputs of the same checkpoints. Is any of the spindle an artefact of an unconverged optimizer?
/// </summary>
internal static class SolverStudy
{
    /// <summary>The study's name.</summary>
    public const string Name = "solver";

    private static readonly string[] Solvers = ["exact", "reference"];

    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Command()
    {
        var models = new Option<string[]>("--models") { Description = "Models, space-separated (cnn, vgg11 at width 0.25): the models of 'experiment claims'.", DefaultValueFactory = _ => ["cnn", "vgg11"], AllowMultipleArgumentsPerToken = true };
        var size = new Option<int>("--train-size") { Description = "Training images per model (as in 'experiment claims', whose models are reused).", DefaultValueFactory = _ => 500 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per model.", DefaultValueFactory = _ => 15 };
        var baselines = new Option<int>("--baselines") { Description = "Baseline models k for the SIM.", DefaultValueFactory = _ => 3 };
        var probes = new Option<int>("--probes") { Description = "Probe images (the first of the target's training part).", DefaultValueFactory = _ => 12 };
        return EvidenceStudy.Create(
            Name,
            "Solver effect: interactions, distributions, masses and SIM from the exact solver and from the reference (SGD) solver on the same masked outputs of the same checkpoints.",
            [0, 1, 2],
            [models, size, epochs, baselines, probes],
            (parse, context, token) =>
            {
                var settings = new Settings(parse.GetValue(models)!, parse.GetValue(size), parse.GetValue(epochs), parse.GetValue(baselines), parse.GetValue(probes));
                if (settings.Models.Length == 0 || settings.Models.Any(m => m is not ("cnn" or "vgg11")))
                {
                    throw new ArgumentException($"--models: choose among cnn, vgg11; got '{string.Join(' ', settings.Models)}'.");
                }

                if (settings.Baselines is < 1 or >= ModelZoo.PartCount || settings.Probes < 1)
                {
                    throw new ArgumentException($"--baselines: need 1..{ModelZoo.PartCount - 1}; --probes: at least 1.");
                }

                var records = context.RecordEachModelAndSeed(settings.Models, (model, seed) => Measure(context, settings, model, seed, token), token);

                Report(context, settings, records);
                return 0;
            });
    }


    private static JsonObject Measure(EvidenceContext context, Settings settings, string model, int seed, CancellationToken token)
    {
        var zoo = context.Zoo;
        var target = new ModelSpec(model, settings.TrainSize, settings.Epochs, seed, 0);
        var specs = Enumerable.Range(0, settings.Baselines + 1).Select(p => target with { Part = p }).ToArray();
        foreach (var spec in specs)
        {
            zoo.Ensure(spec, token);
        }

        var (images, labels) = zoo.Probes(target, settings.Probes);
        var variables = VariableChoice.Default.Build();
        var evaluator = new MaskedOutputEvaluator();

        // Masked outputs once per checkpoint: both solvers see exactly the same numbers.
        var outputs = new List<double[][]>();
        using (images)
        {
            using (var early = zoo.Load(target, early: true))
            {
                outputs.Add(evaluator.Evaluate(early, variables, images, labels, null, token));
            }

            foreach (var spec in specs)
            {
                using var network = zoo.Load(spec);
                outputs.Add(evaluator.Evaluate(network, variables, images, labels, null, token));
            }
        }

        var result = new JsonObject { ["model"] = model, ["seed"] = seed, ["variables"] = VariableChoice.Default.Label };
        foreach (var solver in Solvers)
        {
            var options = new InteractionAnalysisOptions { Solver = solver == "exact" ? InteractionSolver.Exact : InteractionSolver.Reference };
            var clock = Stopwatch.StartNew();
            var extractions = outputs.Select(o => InteractionAnalyzer.Analyze(o, options)).ToArray();
            var seconds = clock.Elapsed.TotalSeconds;
            var (epoch1, final) = (extractions[0], extractions[1]);
            var checks = InteractionCheck.AnalyzeSeries([epoch1, final], new InteractionCheckOptions { BootstrapReplicates = 200 });
            var z = checks[1].Z;
            var split = Generalizability.Split(
                [.. final.Samples.Select(s => s.And)],
                [.. final.Samples.Select(s => s.Or)],
                [.. extractions.Skip(2).Select(e => (IReadOnlyList<double[]>)[.. e.Samples.Select(s => s.And)])],
                [.. extractions.Skip(2).Select(e => (IReadOnlyList<double[]>)[.. e.Samples.Select(s => s.Or)])],
                final.Tau);
            var change = CheckComparison.Compare(checks[0], checks[1], CheckMetric.SpindleMass);
            result[solver] = new JsonObject
            {
                ["seconds"] = Number(seconds),
                ["objective"] = Number(final.Samples.Average(s => s.Objective)),
                ["objectiveEpoch1"] = Number(epoch1.Samples.Average(s => s.Objective)),
                ["salient"] = Number(final.Samples.Average(s => s.SalientAnd.Length + s.SalientOr.Length)),
                ["maxRelativeGap"] = final.MaxRelativeGap is double g ? Number(g) : null,
                ["allConverged"] = extractions.All(e => e.AllConverged == true),
                ["tau"] = Number(final.Tau),
                ["z"] = Number(z),
                ["spindle"] = Number(checks[1].Summary?.SpindleMass ?? double.NaN),
                ["decay"] = Number(checks[1].Summary?.DecayMass ?? double.NaN),
                ["residual"] = Number(checks[1].Summary?.ResidualMass ?? double.NaN),
                ["cancellation"] = Number(checks[1].CancellationMass ?? double.NaN),
                ["spindleEpoch1"] = Number(checks[0].Summary?.SpindleMass ?? double.NaN),
                ["riseSignificant"] = change.IsSignificant && change.Difference > 0,
                ["alpha"] = Number(checks[1].Fit.Alpha),
                ["sim"] = Number(Faithfulness.Similarity(split.Generalizable, split.NonGeneralizable, checks[1].Fit.Decay, checks[1].Fit.Spindle)),
                ["distribution"] = Json(checks[1].Data, z),
                ["nonGeneralizable"] = Json(split.NonGeneralizable, z),
            };
        }

        context.Log.WriteLine($"{DateTime.Now:HH:mm:ss} {model} seed {seed}: both solvers done.");
        return result;
    }

    private static void Report(EvidenceContext context, Settings settings, RecordStore records)
    {
        var rows = context.RecordsOfEachModelAndSeed(records, settings.Models);
        var text = new StringBuilder();
        text.AppendLine("# Solver effect: exact solver against the reference (SGD) solver").AppendLine();
        text.AppendLine("Spindle extracts the AND-OR interactions with an exact solver (ADMM to a certified duality gap of 0.4%); the paper's code minimises the same objective by SGD (momentum 0.9, learning rate 1e-4 decaying to 1e-5, 10,000 steps), kept as `InteractionSolver.Reference`. A denser, unconverged solution spreads strength over more interactions, often of middle order, which could look like spindle. Here both solvers analyse the same masked outputs of the same checkpoints.").AppendLine();
        text.AppendLine("## Setup").AppendLine();
        text.AppendLine($"- Command: `{context.CommandLine}`.");
        text.AppendLine($"- Checkpoints: the models of [the claims study](claims.md) ({string.Join(", ", settings.Models)}; {settings.TrainSize} training images, {settings.Epochs} epochs; seeds {List(context.Seeds)}): each target after epoch 1 and at the end, and baselines 1..{settings.Baselines} at the end. Data: {context.Zoo.DataDescription}.");
        text.AppendLine($"- Check: {settings.Probes} probes (the first images of the target's training part), n = 8 input patches of a 4x4 grid; per solver `InteractionCheck.AnalyzeSeries([epoch 1, final])` (δ calibrated at epoch 1 and held), 200 bootstrap replicates; masses are on the Z scale of each check; SIM against k = {settings.Baselines} baselines extracted with the same solver.").AppendLine();
        if (rows.Count == 0)
        {
            text.AppendLine("**Not run: no records.**");
            WriteReport(context, text.ToString());
            return;
        }

        var table = new List<string[]>();
        foreach (var model in settings.Models)
        {
            var mine = rows.Where(r => (string)r["model"]! == model).ToList();
            foreach (var solver in Solvers)
            {
                var s = mine.Select(r => r[solver]!).ToList();
                if (s.Count == 0)
                {
                    continue;
                }

                table.Add([
                    model, solver,
                    Stats.Spread([.. s.Select(x => Read(x["objective"]))], "F2"),
                    Stats.Spread([.. s.Select(x => Read(x["salient"]))], "F1"),
                    Stats.Spread([.. s.Select(x => Read(x["spindle"]))], "F2"),
                    Stats.Spread([.. s.Select(x => Read(x["decay"]))], "F2"),
                    Stats.Spread([.. s.Select(x => Read(x["cancellation"]))], "F2"),
                    Stats.Spread([.. s.Select(x => Read(x["spindleEpoch1"]))], "F2"),
                    $"{s.Count(x => (bool)x["riseSignificant"]!)}/{s.Count}",
                    Stats.Spread([.. s.Select(x => Read(x["sim"]))], "F2"),
                    Stats.Spread([.. s.Select(x => Read(x["seconds"]))], "F1"),
                    solver == "exact" ? $"{s.Count(x => (bool)x["allConverged"]!)}/{s.Count}; max gap {Stats.F(s.Max(x => Read(x["maxRelativeGap"])), "F4")}" : "no certificate",
                ]);
            }
        }

        text.AppendLine("## Results").AppendLine();
        text.Append(Table(["model", "solver", "L1 objective per probe (final)", "salient interactions per probe", "spindle / Z (final)", "decay / Z", "cancellation / Z", "spindle / Z (epoch 1)", "rise epoch 1 → final significant", "SIM (k baselines)", "seconds (all checkpoints)", "converged"], table));
        text.AppendLine("Mean ± sd over seeds (range). *Rise significant*: the paired bootstrap interval of the spindle's change from epoch 1 to the final checkpoint lies above 0.").AppendLine();
        foreach (var model in settings.Models)
        {
            var mine = rows.Where(r => (string)r["model"]! == model).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            var series = new List<PlotSeries>();
            var slots = new List<int>();
            for (var i = 0; i < Solvers.Length; i++)
            {
                var dists = mine.Select(r => Distribution(r[Solvers[i]]!["distribution"])).ToList();
                var n = dists[0].VariableCount;
                series.Add(new PlotSeries($"A+ {Solvers[i]}", EvidencePlots.Palette[i], [.. Enumerable.Range(0, n).Select(m => dists.Average(d => d.Positive[m]))], [.. Enumerable.Range(0, n).Select(m => Stats.StandardDeviation([.. dists.Select(d => d.Positive[m])]))]));
                series.Add(new PlotSeries(null, EvidencePlots.Palette[i], [.. Enumerable.Range(0, n).Select(m => dists.Average(d => d.Negative[m]))], [.. Enumerable.Range(0, n).Select(m => Stats.StandardDeviation([.. dists.Select(d => d.Negative[m])]))]));
                slots.Add(i);
                slots.Add(i);
            }

            var (path, link) = context.Figure($"distributions-{model}.png");
            EvidencePlots.OrderBars(path, $"{model}, final checkpoint: A(m)± / Z per solver (mean ± sd over {mine.Count} seeds)", "strength / Z", series, slots);
            text.AppendLine($"![{model}]({link})").AppendLine();
        }

        text.AppendLine("## What this says").AppendLine();
        foreach (var model in settings.Models)
        {
            var mine = rows.Where(r => (string)r["model"]! == model).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            double Mean(string solver, string field) => Stats.Mean([.. mine.Select(r => Read(r[solver]![field]))]);
            var higher = mine.Count(r => Read(r["reference"]!["spindle"]) > Read(r["exact"]!["spindle"]));
            text.AppendLine(string.Create(
                CultureInfo.InvariantCulture,
                $"- **{model}**: the reference solver's objective is {Stats.F(Mean("reference", "objective") / Mean("exact", "objective"), "F2")}x the exact one's (mean over seeds) with {Stats.F(Mean("reference", "salient"), "F1")} against {Stats.F(Mean("exact", "salient"), "F1")} salient interactions per probe; its spindle mass is {Stats.F(Mean("reference", "spindle"), "F2")} against {Stats.F(Mean("exact", "spindle"), "F2")} (higher in {higher} of {mine.Count} seeds), its SIM {Stats.F(Mean("reference", "sim"), "F2")} against {Stats.F(Mean("exact", "sim"), "F2")}."));
        }

        WriteReport(context, text.ToString());
    }

    private sealed record Settings(string[] Models, int TrainSize, int Epochs, int Baselines, int Probes);
}
