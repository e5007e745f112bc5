using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Decomposition;
using Spindle.Monitor.Interactions;
using Spindle.Monitor.Masking;
using Spindle.Trainers.Data;
using Spindle.Trainers.Training;
using static Spindle.Cli.Experiments.Evidence.EvidenceStudy;
using static TorchSharp.torch;

namespace Spindle.Cli.Experiments.Evidence;

/// <summary>
/// <c>spindle experiment noise</c>: the paper's Figure 5 and appendix G. Gaussian noise of growing σ added to a trained
/// model's parameters, and FGSM perturbations of the probes: does the fitted spindle grow while the decay stays and the
/// residual stays small?
/// </summary>
internal static class NoiseStudy
{
    /// <summary>The study's name.</summary>
    public const string Name = "noise";

    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Command()
    {
        var models = new Option<string[]>("--models") { Description = "Models, space-separated (cnn, vgg11 at width 0.25): the targets of 'experiment claims'.", DefaultValueFactory = _ => ["cnn", "vgg11"], AllowMultipleArgumentsPerToken = true };
        var size = new Option<int>("--train-size") { Description = "Training images of the target (as in 'experiment claims', whose models are reused).", DefaultValueFactory = _ => 500 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of the target.", DefaultValueFactory = _ => 15 };
        var sigmas = new Option<double[]>("--sigmas") { Description = "Standard deviations σ of the Gaussian noise added to every parameter, space-separated (0 is always included).", DefaultValueFactory = _ => [0.001, 0.003, 0.01, 0.03], AllowMultipleArgumentsPerToken = true };
        var draws = new Option<int>("--draws") { Description = "Noise draws per σ.", DefaultValueFactory = _ => 2 };
        var epsilons = new Option<double[]>("--epsilons") { Description = "FGSM step sizes ε in raw pixel units (pixels in [0, 1]), space-separated (0 is always included).", DefaultValueFactory = _ => [0.01, 0.03, 0.1, 0.3], AllowMultipleArgumentsPerToken = true };
        var probes = new Option<int>("--probes") { Description = "Probe images (the first of the target's training part).", DefaultValueFactory = _ => 12 };
        return EvidenceStudy.Create(
            Name,
            "Noise injection (Figure 5): Gaussian noise on the weights of the trained targets and FGSM on the probes; spindle, decay and residual mass per noise level.",
            [0, 1, 2],
            [models, size, epochs, sigmas, draws, epsilons, probes],
            (parse, context, token) =>
            {
                var settings = new Settings(parse.GetValue(models)!, parse.GetValue(size), parse.GetValue(epochs), [0, .. parse.GetValue(sigmas)!.Where(s => s != 0).Order()], parse.GetValue(draws), [0, .. parse.GetValue(epsilons)!.Where(s => s != 0).Order()], parse.GetValue(probes));
                settings.Validate();
                var records = context.RecordEachModelAndSeed(settings.Models, (model, seed) => Measure(context, settings, model, seed, token), token);

                Report(context, settings, records);
                return 0;
            });
    }

    /// <summary>Adds N(0, σ²) to every parameter of a model (in place), from a seeded generator.</summary>
    /// <param name="model">The model.</param>
    /// <param name="sigma">The standard deviation.</param>
    /// <param name="seed">The seed of the noise.</param>
    public static void AddWeightNoise(nn.Module<Tensor, Tensor> model, double sigma, long seed)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)seed);
        foreach (var parameter in model.parameters())
        {
            parameter.add_(randn(parameter.shape, dtype: parameter.dtype, generator: generator).mul_(sigma));
        }
    }

    /// <summary>
    /// The paper's FGSM step (footnote 7): x + ε·sign(∇_x v(x)), with v the log-odds of the true class; with
    /// <paramref name="ascendLoss"/>, the usual adversarial direction x − ε·sign(∇_x v(x)) instead.
    /// </summary>
    /// <param name="model">The model (evaluated in eval mode).</param>
    /// <param name="images">The images, batch first.</param>
    /// <param name="labels">Their labels.</param>
    /// <param name="epsilon">The step size, in the images' units.</param>
    /// <param name="ascendLoss">Step against v (raising the loss) instead of along it.</param>
    /// <returns>The perturbed images.</returns>
    public static Tensor Fgsm(nn.Module<Tensor, Tensor> model, Tensor images, IReadOnlyList<long> labels, double epsilon, bool ascendLoss)
    {
        using var scope = NewDisposeScope();
        model.eval();
        var x = images.detach().clone().requires_grad_(true);
        var v = OutputFunctions.LogOdds(model.call(x), tensor(labels.ToArray()));
        v.sum().backward();
        var step = x.grad!.sign().mul(ascendLoss ? -epsilon : epsilon);
        return images.detach().add(step).MoveToOuterDisposeScope();
    }


    private static JsonObject Measure(EvidenceContext context, Settings settings, string model, int seed, CancellationToken token)
    {
        var zoo = context.Zoo;
        var spec = new ModelSpec(model, settings.TrainSize, settings.Epochs, seed, 0);
        zoo.Ensure(spec, token);
        var (images, labels) = zoo.Probes(spec, settings.Probes);
        var choice = VariableChoice.Default;
        var conditions = new List<(string Kind, double Level, int Draw, InteractionExtraction Extraction, double TestAccuracy)>();
        using (images)
        {
            using (var trained = zoo.Load(spec))
            {
                var accuracy = new Evaluator().Evaluate(trained, zoo.Test).Accuracy;
                conditions.Add(("clean", 0, 0, choice.Extract(trained, images, labels), accuracy));
                foreach (var epsilon in settings.Epsilons.Where(e => e > 0))
                {
                    foreach (var ascend in new[] { false, true })
                    {
                        using var perturbed = Fgsm(trained, images, labels, epsilon / PixelNormalization.FashionMnist.StandardDeviation[0], ascend);
                        conditions.Add((ascend ? "fgsm-loss" : "fgsm-paper", epsilon, 0, choice.Extract(trained, perturbed, labels), double.NaN));
                    }
                }
            }

            foreach (var sigma in settings.Sigmas.Where(s => s > 0))
            {
                for (var draw = 0; draw < settings.Draws; draw++)
                {
                    token.ThrowIfCancellationRequested();
                    using var noisy = zoo.Load(spec);
                    AddWeightNoise(noisy, sigma, (seed * 1000L) + draw + 1);
                    var accuracy = new Evaluator().Evaluate(noisy, zoo.Test).Accuracy;
                    conditions.Add(("weights", sigma, draw, choice.Extract(noisy, images, labels), accuracy));
                }
            }
        }

        context.Log.WriteLine($"{DateTime.Now:HH:mm:ss} {model} seed {seed}: {conditions.Count} conditions extracted.");

        // δ is calibrated on the clean model and held for every noisy condition (as a run's later checks).
        var checks = InteractionCheck.AnalyzeSeries([.. conditions.Select(c => c.Extraction)], new InteractionCheckOptions { BootstrapReplicates = 0 });
        var cleanCheck = checks[0];
        var z = cleanCheck.Z;
        var clean = conditions[0].Extraction;
        var entries = new JsonArray();
        for (var i = 0; i < conditions.Count; i++)
        {
            var (kind, level, draw, extraction, accuracy) = conditions[i];
            var check = checks[i];
            var fit = check.Fit;
            var emerged = InteractionDistributions.Compute(
                [.. extraction.Samples.Select((s, j) => s.And.Zip(clean.Samples[j].And, (a, b) => a - b).ToArray())],
                [.. extraction.Samples.Select((s, j) => s.Or.Zip(clean.Samples[j].Or, (a, b) => a - b).ToArray())],
                clean.Tau);
            entries.Add(new JsonObject
            {
                ["kind"] = kind,
                ["level"] = level,
                ["draw"] = draw,
                ["testAccuracy"] = Number(accuracy),
                ["ownZ"] = Number(check.Z),
                ["spindle"] = Number(fit.SpindleMass / z),
                ["decay"] = Number(fit.DecayMass / z),
                ["residual"] = Number(fit.ResidualMass / z),
                ["data"] = Number(fit.Data.Mass / z),
                ["cancellation"] = Number(InteractionDistributions.CancellationMass(fit.Data) / z),
                ["alpha"] = Number(fit.Alpha),
                ["rSquared"] = Number(fit.RSquared),
                ["distribution"] = Json(fit.Data, z),
                ["decayCurve"] = Json(fit.Decay, z),
                ["spindleCurve"] = Json(fit.Spindle, z),
                ["emerged"] = Json(emerged, z),
            });
        }

        return new JsonObject
        {
            ["model"] = model,
            ["seed"] = seed,
            ["z"] = Number(z),
            ["delta"] = cleanCheck.Fit.Delta is double d ? Number(d) : null,
            ["variables"] = choice.Label,
            ["conditions"] = entries,
        };
    }

    private static void Report(EvidenceContext context, Settings settings, RecordStore records)
    {
        var rows = context.RecordsOfEachModelAndSeed(records, settings.Models);
        var text = new StringBuilder();
        text.AppendLine("# Noise injection (Figure 5, appendix G)").AppendLine();
        text.AppendLine("The paper injects non-generalizable representations into a trained model in two ways and expects the fitted spindle to grow with the noise while the decay part stays and the residual stays small: Gaussian noise ε ~ N(0, σ²) added to the parameters, and FGSM perturbations of the input, x + σ·sign(∇_x v(x)) (its footnote 7). Appendix G adds that the *newly emerged* interactions, I_noise − I_clean, are spindle-shaped.").AppendLine();
        text.AppendLine("## Setup").AppendLine();
        text.AppendLine($"- Command: `{context.CommandLine}`.");
        text.AppendLine($"- Models: the targets of [the claims study](claims.md) ({string.Join(", ", settings.Models)}; {settings.TrainSize} training images, {settings.Epochs} epochs, Adam; seeds {List(context.Seeds)}), from `{EvidenceStudy.DefaultModelsFolder}`. Data: {context.Zoo.DataDescription}.");
        text.AppendLine($"- Weight noise: σ ∈ {{{string.Join(", ", settings.Sigmas.Select(s => s.ToString(CultureInfo.InvariantCulture)))}}} added to every parameter (BatchNorm running statistics untouched), {settings.Draws} draws per σ (seed 1000·seed + draw + 1); the grid was fixed before the run.");
        text.AppendLine($"- FGSM: ε ∈ {{{string.Join(", ", settings.Epsilons.Select(s => s.ToString(CultureInfo.InvariantCulture)))}}} in raw pixel units (pixels in [0, 1]; divided by the normalisation's 0.353 before adding). Two directions: *paper* = +sign(∇v) as footnote 7 writes it (which raises the true class's log-odds) and *loss* = −sign(∇v), the usual adversarial step.");
        text.AppendLine($"- Check: {settings.Probes} probes (the first images of the target's training part), n = 8 input patches of a 4x4 grid, exact solver. The fit (`InteractionCheck.AnalyzeSeries`) calibrates δ on the clean model and holds it for every noisy condition. All masses are divided by the **clean** model's Z, so conditions share one scale.").AppendLine();
        if (rows.Count == 0)
        {
            text.AppendLine("**Not run: no records.**");
            WriteReport(context, text.ToString());
            return;
        }

        foreach (var kind in new[] { "weights", "fgsm-paper", "fgsm-loss" })
        {
            text.AppendLine(kind == "weights" ? "## Gaussian noise on the weights" : kind == "fgsm-paper" ? "## FGSM, the paper's direction (+sign ∇v)" : "## FGSM, the adversarial direction (−sign ∇v)").AppendLine();
            var levels = kind == "weights" ? settings.Sigmas : settings.Epsilons;
            foreach (var model in settings.Models)
            {
                var mine = rows.Where(r => (string)r["model"]! == model).ToList();
                if (mine.Count == 0)
                {
                    continue;
                }

                var table = new List<string[]>();
                var spindle = new List<double>();
                var decay = new List<double>();
                var residual = new List<double>();
                var spindleSd = new List<double>();
                var decaySd = new List<double>();
                var residualSd = new List<double>();
                foreach (var level in levels)
                {
                    // Per seed: the mean over draws; the spread is over seeds.
                    var perSeed = mine.Select(r => r["conditions"]!.AsArray()
                        .Where(c => ((string)c!["kind"]! == kind || (level == 0 && (string)c["kind"]! == "clean")) && Math.Abs((double)c["level"]! - level) < 1e-12)
                        .Select(c => c!.AsObject()).ToList()).Where(l => l.Count > 0).ToList();
                    double Of(List<JsonObject> conditions, string field) => conditions.Average(c => Read(c[field]));
                    var s = perSeed.Select(c => Of(c, "spindle")).ToList();
                    var d = perSeed.Select(c => Of(c, "decay")).ToList();
                    var res = perSeed.Select(c => Of(c, "residual")).ToList();
                    spindle.Add(Stats.Mean(s));
                    decay.Add(Stats.Mean(d));
                    residual.Add(Stats.Mean(res));
                    spindleSd.Add(Stats.StandardDeviation(s));
                    decaySd.Add(Stats.StandardDeviation(d));
                    residualSd.Add(Stats.StandardDeviation(res));
                    var emerged = perSeed.SelectMany(c => c.Select(x => Distribution(x["emerged"]))).Where(e => e.Mass > 0).ToList();
                    table.Add([
                        model, level.ToString(CultureInfo.InvariantCulture),
                        kind == "weights" ? Stats.Spread([.. perSeed.Select(c => Of(c, "testAccuracy"))]) : "-",
                        Stats.Spread(s, "F2"), Stats.Spread(d, "F2"), Stats.Spread(res, "F2"), Stats.Spread([.. perSeed.Select(c => Of(c, "cancellation"))], "F2"),
                        Stats.Spread([.. perSeed.Select(c => Of(c, "rSquared"))], "F2"),
                        level == 0 ? "-" : $"{Stats.Spread([.. emerged.Select(e => (double)Stats.PeakOrder(e))], "F1")}; balance {Stats.Spread([.. emerged.Select(Stats.Balance)], "F2")}; spindle-shaped {emerged.Count(Stats.IsSpindle)}/{emerged.Count}",
                    ]);
                }

                text.Append(Table([ "model", kind == "weights" ? "σ" : "ε", "test accuracy", "spindle / Z₀", "decay / Z₀", "residual / Z₀", "cancellation / Z₀", "R²", "emerged I_noise − I_clean: peak order; balance; spindle-shaped" ], table));
                var (path, link) = context.Figure($"{kind}-{model}.png");
                var xs = levels.Select((_, i) => (double)i).ToArray();
                EvidencePlots.Lines(
                    path,
                    $"{model}, {kind}: masses / Z of the clean model (mean ± sd over {mine.Count} seeds)",
                    $"{(kind == "weights" ? "σ" : "ε")} index: {string.Join(", ", levels.Select(l => l.ToString(CultureInfo.InvariantCulture)))}",
                    "mass / Z₀",
                    xs,
                    [
                        new PlotSeries("spindle", EvidencePlots.Palette[1], [.. spindle], [.. spindleSd]),
                        new PlotSeries("decay", EvidencePlots.Palette[0], [.. decay], [.. decaySd]),
                        new PlotSeries("residual", EvidencePlots.Palette[4], [.. residual], [.. residualSd], Dashed: true),
                    ]);
                text.AppendLine($"![{model} {kind}]({link})").AppendLine();
                text.AppendLine(Verdict(model, levels, spindle, decay, residual)).AppendLine();
            }
        }

        text.AppendLine("Spread: mean ± sd over seeds (range); for weight noise each seed's value is first averaged over its draws. *Emerged*: the distribution of I_noise − I_clean per sample (τ of the clean model), pooled over seeds and draws; *spindle-shaped* as in the claims study (peak at an order 3..n-2, balance ≥ 0.5).");
        var first = rows[0];
        var clean = first["conditions"]!.AsArray().First(c => (string)c!["kind"]! == "clean")!;
        var strongest = first["conditions"]!.AsArray().Where(c => (string)c!["kind"]! == "weights").OrderByDescending(c => (double)c!["level"]!).FirstOrDefault();
        if (strongest is not null)
        {
            foreach (var (label, node) in new[] { ("clean", clean), ($"sigma{(double)strongest["level"]!:0.####}", strongest) })
            {
                var (path, link) = context.Figure($"distribution-{(string)first["model"]!}-seed{(int)first["seed"]!}-{label}.png");
                var result = new DecompositionResult(Read(node["alpha"]), 0, null, null, Distribution(node["distribution"]), Distribution(node["decayCurve"]), Distribution(node["spindleCurve"]));
                DecompositionPlot.Save(result, 1, $"{(string)first["model"]!} seed {(int)first["seed"]!}, {(label == "clean" ? "clean" : $"weight noise σ = {(double)strongest["level"]!}")} (/Z of the clean model)", path, null);
                text.AppendLine().AppendLine($"![{label}]({link})");
            }
        }

        WriteReport(context, text.ToString());
    }

    private static string Verdict(string model, double[] levels, List<double> spindle, List<double> decay, List<double> residual)
    {
        var last = levels.Length - 1;
        var rises = Enumerable.Range(1, last).Count(i => spindle[i] > spindle[i - 1]);
        var decayChange = decay[0] > 0 ? (decay[last] - decay[0]) / decay[0] : double.NaN;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{model}: spindle {Stats.F(spindle[0], "F2")} → {Stats.F(spindle[last], "F2")} (rises at {rises} of {last} steps), decay {Stats.F(decay[0], "F2")} → {Stats.F(decay[last], "F2")} ({Stats.F(100 * decayChange, "F0")}%), residual {Stats.F(residual[0], "F2")} → {Stats.F(residual[last], "F2")} (mean over seeds, /Z₀).");
    }

    private sealed record Settings(string[] Models, int TrainSize, int Epochs, double[] Sigmas, int Draws, double[] Epsilons, int Probes)
    {
        public void Validate()
        {
            if (Models.Length == 0 || Models.Any(m => m is not ("cnn" or "vgg11")))
            {
                throw new ArgumentException($"--models: choose among cnn, vgg11; got '{string.Join(' ', Models)}'.");
            }

            if (Sigmas.Any(s => s < 0 || !double.IsFinite(s)))
            {
                throw new ArgumentException("--sigmas: need finite values ≥ 0.");
            }

            if (Epsilons.Any(s => s < 0 || !double.IsFinite(s)))
            {
                throw new ArgumentException("--epsilons: need finite values ≥ 0.");
            }

            if (Draws < 1)
            {
                throw new ArgumentException("--draws: need at least 1.");
            }

            if (Probes < 1 || TrainSize < 10 || Epochs < 1)
            {
                throw new ArgumentException("--probes, --train-size and --epochs: need positive values (--train-size a multiple of 10).");
            }
        }
    }
}
