using System.CommandLine;
using System.Globalization;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Decomposition;
using Spindle.Monitor.Interactions;

namespace Spindle.Cli;

/// <summary>
/// <c>spindle decompose FILES...</c>: fits the decay + spindle decomposition (paper Eq. 10) to saved
/// interaction extractions, prints the per-order table and summary, and draws a Figure-4-style PNG.
/// </summary>
internal static class DecomposeCommand
{
    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Interaction extraction files (spindle.interactions JSON). Each is one check unless --pool.", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = SpindleCommands.WithDefault("Print machine-readable JSON instead of tables; writes no PNG unless --png is given.", "off") };
        var png = new Option<string?>("--png") { Description = SpindleCommands.WithDefault("PNG to write (one input or --pool).", "without --json, NAME.decomposition.png next to each input; with --json, none") };
        var noPng = new Option<bool>("--no-png") { Description = SpindleCommands.WithDefault("Do not write PNGs.", "off") };
        var pool = new Option<bool>("--pool") { Description = SpindleCommands.WithDefault("Pool the samples of all files into one fit (same n and τ, or give --tau).", "off") };
        var tau = new Option<double?>("--tau") { Description = SpindleCommands.WithDefault("Salience threshold τ overriding the files' own.", "each file's own τ") };
        var baselines = new Option<string[]>("--baseline") { Description = SpindleCommands.WithDefault("Extractions of baseline models on the same samples and variables, space-separated (one per model, k models): adds A_gen, A_non and SIM (Eq. 11). Files from 'spindle extract --run' record their split, samples, variables and masking, which must match the target's.", "none"), AllowMultipleArgumentsPerToken = true };
        var minDelta = new Option<double?>("--min-delta") { Description = SpindleCommands.WithDefault("Smallest δ the fit may use.", "the δ at which M(δ) keeps 14% of a middle-order interaction") };
        var delta = new Option<double?>("--delta") { Description = SpindleCommands.WithDefault("Fix δ instead of fitting it.", "none: δ is fitted") };
        var decay = new Option<string>("--decay") { Description = "Decay family: noise-operator (the paper's M(δ) I*) or monotone (any curve non-increasing in order).", DefaultValueFactory = _ => "noise-operator" };
        decay.AcceptOnlyFromAmong("noise-operator", "monotone");
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap replicates over the samples for the intervals (0: none).", DefaultValueFactory = _ => 200 };
        var command = new Command("decompose", "Split saved interactions into a decay-shaped (generalizable) and a spindle-shaped (non-generalizable) part (paper Eq. 7-10).")
        {
            files, json, png, noPng, pool, tau, baselines, minDelta, delta, decay, bootstrap,
        };
        command.SetAction(parse => Run(
            new DecomposeSettings(
                parse.GetValue(files) ?? [],
                parse.GetValue(json),
                parse.GetValue(png),
                parse.GetValue(noPng),
                parse.GetValue(pool),
                parse.GetValue(tau),
                parse.GetValue(baselines) ?? [],
                parse.GetValue(minDelta),
                parse.GetValue(delta),
                parse.GetValue(decay) == "monotone" ? DecayShape.Monotone : DecayShape.NoiseOperator,
                parse.GetValue(bootstrap)),
            Console.Out,
            Console.Error));
        return command;
    }

    /// <summary>Runs the command.</summary>
    /// <param name="settings">The parsed settings.</param>
    /// <param name="output">Where tables or JSON go.</param>
    /// <param name="error">Where errors and warnings go.</param>
    /// <returns>The exit code: 0 on success, 1 on bad input.</returns>
    public static int Run(DecomposeSettings settings, TextWriter output, TextWriter error)
    {
        try
        {
            var checks = Prepare(settings);
            var reports = checks.Select(check => Decompose(check, settings)).ToList();
            foreach (var warning in reports.SelectMany(r => r.Warnings))
            {
                error.WriteLine($"spindle decompose: warning: {warning}");
            }

            if (settings.Json)
            {
                DecomposeReportWriter.WriteJson(reports, output);
            }
            else
            {
                DecomposeReportWriter.WriteText(reports, output);
            }

            return 0;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            error.WriteLine($"spindle decompose: {e.Message}");
            return 1;
        }
    }

    private static List<DecomposeCheck> Prepare(DecomposeSettings settings)
    {
        if (settings.Files.Count == 0)
        {
            throw new ArgumentException("no input files.");
        }

        if (settings.Png is not null && settings.NoPng)
        {
            throw new ArgumentException($"--png {settings.Png} and --no-png contradict each other; give one.");
        }

        if (settings.FixedDelta is not null && settings.MinDelta is not null)
        {
            throw new ArgumentException("--delta fixes δ, so --min-delta would be ignored; give one.");
        }

        foreach (var (name, value) in new[] { ("--delta", settings.FixedDelta), ("--min-delta", settings.MinDelta) })
        {
            if (value is { } v && !(v > 0 && double.IsFinite(v)))
            {
                throw new ArgumentException($"{name} must be finite and > 0 (the δ grid is logarithmic), got {v.ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        if (settings.Bootstrap < 0)
        {
            throw new ArgumentException($"--bootstrap must be ≥ 0, got {settings.Bootstrap.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (settings.Decay == DecayShape.Monotone && (settings.FixedDelta is not null || settings.MinDelta is not null))
        {
            throw new ArgumentException("--decay monotone has no δ; --delta and --min-delta apply to --decay noise-operator.");
        }

        if (settings.Tau is { } t && (!(t >= 0) || !double.IsFinite(t)))
        {
            throw new ArgumentException($"--tau must be finite and ≥ 0, got {t.ToString(CultureInfo.InvariantCulture)}.");
        }

        var extractions = settings.Files.Select(LoadChecked).ToList();
        List<DecomposeCheck> checks;
        if (settings.Pool && extractions.Count > 1)
        {
            var n = extractions[0].VariableCount;
            var mismatch = extractions.FindIndex(e => e.VariableCount != n);
            if (mismatch >= 0)
            {
                throw new ArgumentException($"--pool needs one n: {settings.Files[0]} has n = {n}, {settings.Files[mismatch]} has n = {extractions[mismatch].VariableCount}.");
            }

            var taus = extractions.Select(e => e.Tau).Distinct().ToList();
            if (settings.Tau is null && taus.Count > 1)
            {
                throw new ArgumentException($"--pool needs one τ, the files have {string.Join(", ", taus.Select(x => x.ToString("G6", CultureInfo.InvariantCulture)))}; pass --tau.");
            }

            var name = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.Files[0])) ?? ".", "pooled");
            checks = [new DecomposeCheck(string.Join(", ", settings.Files), name, extractions.SelectMany(e => e.Samples).ToList(), n, settings.Tau ?? taus[0])];
        }
        else
        {
            checks = extractions.Select((e, i) => new DecomposeCheck(settings.Files[i], StripExtension(settings.Files[i]), e.Samples.ToList(), e.VariableCount, settings.Tau ?? e.Tau, e.Provenance)).ToList();
        }

        if (settings.Png is not null && checks.Count > 1)
        {
            throw new ArgumentException($"--png names one file but there are {checks.Count} inputs; drop --png (each PNG goes next to its input) or use --pool.");
        }

        if (settings.Baselines.Count > 0 && checks.Count > 1)
        {
            throw new ArgumentException("--baseline compares one target extraction with its baselines; give one input file.");
        }

        return checks;
    }

    private static DecomposeReport Decompose(DecomposeCheck check, DecomposeSettings settings)
    {
        if (check.Samples.Count == 0)
        {
            throw new InvalidDataException($"{check.Label}: the extraction holds no samples.");
        }

        if (check.VariableCount < 1)
        {
            throw new InvalidDataException($"{check.Label}: n = {check.VariableCount}; the decomposition needs at least one variable.");
        }

        var fitOptions = new DecompositionFitOptions();
        if (settings.FixedDelta is { } fixedDelta)
        {
            fitOptions.MinDelta = fixedDelta;
            fitOptions.MaxDelta = fixedDelta;
        }
        else if (settings.MinDelta is { } minDelta)
        {
            fitOptions.MinDelta = minDelta;
            fitOptions.MaxDelta = Math.Max(fitOptions.MaxDelta, minDelta);
        }

        var options = new InteractionCheckOptions { DecayShape = settings.Decay, Fit = fitOptions, BootstrapReplicates = settings.Bootstrap };
        CheckResult result;
        try
        {
            options.Validate();
            result = InteractionCheck.Analyze(check.Samples, check.Tau, options, new CheckProvenance { Run = check.Label });
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName is nameof(DecompositionFitOptions.MinDelta) or nameof(DecompositionFitOptions.MaxDelta))
        {
            throw new ArgumentException($"{(settings.FixedDelta is null ? "--min-delta" : "--delta")} must be finite and > 0.", e);
        }

        var and = check.Samples.Select(s => s.And).ToList();
        var or = check.Samples.Select(s => s.Or).ToList();
        var fit = result.Fit;
        var normalized = result.Z > 0;
        var summary = result.Summary ?? fit.Summarize(1);
        var warnings = new List<string>();
        GeneralizabilitySplit? split = null;
        double? similarity = null;
        if (settings.Baselines.Count > 0)
        {
            var baselines = settings.Baselines.Select(LoadChecked).ToList();
            for (var b = 0; b < baselines.Count; b++)
            {
                if (baselines[b].VariableCount != check.VariableCount || baselines[b].Samples.Count != check.Samples.Count)
                {
                    throw new InvalidDataException($"{settings.Baselines[b]}: n = {baselines[b].VariableCount} with {baselines[b].Samples.Count} samples; the target has n = {check.VariableCount} with {check.Samples.Count}. Baselines must be extracted on the same samples and variables.");
                }

                BaselineProvenance.Check(check.Label, check.Provenance, settings.Baselines[b], baselines[b].Provenance, warnings);
            }

            split = Generalizability.Split(
                and,
                or,
                baselines.Select(e => (IReadOnlyList<double[]>)e.Samples.Select(s => s.And).ToList()).ToList(),
                baselines.Select(e => (IReadOnlyList<double[]>)e.Samples.Select(s => s.Or).ToList()).ToList(),
                check.Tau);
            similarity = Faithfulness.Similarity(split.Generalizable, split.NonGeneralizable, fit.Decay, fit.Spindle);
        }

        var hasSalient = fit.Data.Positive.Any(v => v != 0) || fit.Data.Negative.Any(v => v != 0);
        if (!hasSalient)
        {
            warnings.Add(string.Format(
                CultureInfo.InvariantCulture,
                "{0}: τ = {1:G4} leaves no salient interaction (no |I| above it), so every per-order strength is 0, the masses say nothing and R² is undefined; give a smaller --tau.",
                check.Label,
                check.Tau));
        }

        // A PNG by default for the tables; with --json only when asked for by name.
        string? pngPath = null;
        if (!settings.NoPng && (settings.Png is not null || !settings.Json))
        {
            pngPath = settings.Png ?? check.Stem + ".decomposition.png";
            var title = string.Format(
                CultureInfo.InvariantCulture,
                "{0}: spindle {1:F2}, decay {2:F2} (share {3:P0}), R² {4}\n{5}",
                Path.GetFileName(check.Stem),
                summary.SpindleMass,
                summary.DecayMass,
                summary.SpindleShare,
                hasSalient ? fit.RSquared.ToString("F3", CultureInfo.InvariantCulture) : "undefined",
                DecompositionPlot.Source(check.Provenance));
            DecompositionPlot.Save(fit, normalized ? result.Z : 1, title, pngPath, split);
        }

        return new DecomposeReport(check.Label, result, summary, split, similarity, pngPath, warnings);
    }

    private static InteractionExtraction LoadChecked(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file.", path);
        }

        return InteractionExtraction.Load(path);
    }

    private static string StripExtension(string path)
    {
        var full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full) ?? ".", Path.GetFileNameWithoutExtension(full));
    }
}
