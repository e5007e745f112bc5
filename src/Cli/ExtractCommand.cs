using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spindle.Monitor.Interactions;

namespace Spindle.Cli;

/// <summary>
/// <c>spindle extract</c>: AND-OR interactions from masked outputs given in a file (model-free). Parsing the command line,
/// reading the outputs and analysing them are separate steps, so a model-driven source of outputs can reuse
/// <see cref="Run"/>.
/// </summary>
internal static class ExtractCommand
{
    private static readonly string[] NamedLiterals = ["-Infinity", "Infinity", "NaN"];

    private static readonly JsonSerializerOptions NamedLiteralOptions = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var outputs = new Option<FileInfo?>("--outputs")
        {
            Description = SpindleCommands.WithDefault("JSON file {\"n\": n, \"values\": [...2^n numbers...]} (n ≥ 1) or with \"values\" a list of such arrays (one per sample); index = mask, bit i = variable i present. NaN and Infinity (bare, as Python writes them, or quoted) are read and then rejected naming the sample and mask.", "none: give --outputs or --run"),
        };
        var run = new Option<DirectoryInfo?>("--run") { Description = SpindleCommands.WithDefault("A run folder of 'spindle train' or 'spindle demo': extract from its trained model instead of --outputs.", "none") };
        var epoch = new Option<int?>("--epoch") { Description = SpindleCommands.WithDefault("With --run: the model after this epoch (its checkpoint in checkpoints/, or last.ckpt or best.ckpt when either holds it).", "the last epoch") };
        var checkpoint = new Option<FileInfo?>("--checkpoint") { Description = SpindleCommands.WithDefault("With --run: the checkpoint file to load (for instance RUN/best.ckpt, the lowest test loss).", "the run's last.ckpt") };
        var split = new Option<string>("--split") { Description = "With --run: take the samples from the 'test' or 'train' split (indices before any subset or label noise).", DefaultValueFactory = _ => "test" };
        var sampleIndices = new Option<int[]>("--samples") { Description = SpindleCommands.WithDefault("With --run: sample indices, space-separated, e.g. --samples 0 1 2.", "0"), AllowMultipleArgumentsPerToken = true };
        var variables = new Option<int?>("--variables") { Description = SpindleCommands.WithDefault("With --run: the number n of input variables (patches or token positions); 8 input patches is the masking measured to track overfitting (docs/decomposition.md), 10 feature-map patches follows appendix K.2.", "8 with --on input, 10 with --on feature-map") };
        var placement = new Option<string>("--on") { Description = "With --run: 'input' patches, or 'feature-map' patches of the model's named intermediate feature map.", DefaultValueFactory = _ => "input" };
        var grid = new Option<int?>("--grid") { Description = SpindleCommands.WithDefault("With --run: patches form a GRID x GRID grid; n of them are drawn from the whole grid (GRID ≤ 4) or its central region.", "4 with --on input, 8 with --on feature-map") };
        var seed = new Option<int>("--seed") { Description = "With --run: the seed of the random choice of patches or token positions.", DefaultValueFactory = _ => 0 };
        var solver = new Option<string>("--solver") { Description = "exact (ADMM with a certified duality gap) or reference (the published SGD procedure).", DefaultValueFactory = _ => "exact" };
        var qthres = new Option<double>("--qthres") { Description = "Noise bound factor: |δ_T| ≤ qthres·|v(N) - v(∅)|.", DefaultValueFactory = _ => 0.02 };
        var tau = new Option<double?>("--tau") { Description = SpindleCommands.WithDefault("Salience threshold τ.", "0.02·mean |v(N) - v(∅)| over the samples") };
        var top = new Option<int>("--top") { Description = "How many interactions to list per sample, by |I|.", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = SpindleCommands.WithDefault("Print the extraction as JSON (the spindle.interactions document --output writes, readable by 'spindle decompose') instead of tables.", "off") };
        var output = new Option<FileInfo?>("--output") { Description = SpindleCommands.WithDefault("Write the full extraction (versioned JSON) to this file, atomically; checked before any forward pass.", "none: print only") };
        var iterations = new Option<int?>("--iterations") { Description = SpindleCommands.WithDefault("Iteration cap (exact) or iteration count (reference).", $"{new InteractionAnalysisOptions().MaxIterations} (exact), {new InteractionAnalysisOptions().ReferenceIterations} (reference)") };
        var command = new Command("extract", "Extract AND-OR interactions from the 2^n masked outputs of one or more samples.")
        {
            outputs, run, epoch, checkpoint, split, sampleIndices, variables, placement, grid, seed, solver, qthres, tau, top, json, output, iterations,
        };
        command.SetAction(parse =>
        {
            try
            {
                // Checked here so that the messages name the options as typed (the library names its properties).
                var noise = parse.GetValue(qthres);
                Require(noise is >= 0 and <= 1, string.Create(CultureInfo.InvariantCulture, $"--qthres must be in [0, 1], got {noise}."));
                Require(parse.GetValue(tau) is not { } t || (t >= 0 && double.IsFinite(t)), string.Create(CultureInfo.InvariantCulture, $"--tau must be finite and ≥ 0, got {parse.GetValue(tau)}."));
                Require(parse.GetValue(iterations) is null or >= 1, string.Create(CultureInfo.InvariantCulture, $"--iterations must be at least 1, got {parse.GetValue(iterations)}."));
                Require(parse.GetValue(top) >= 0, string.Create(CultureInfo.InvariantCulture, $"--top must be at least 0, got {parse.GetValue(top)}."));
                Require(parse.GetValue(variables) is null or >= 1, string.Create(CultureInfo.InvariantCulture, $"--variables must be at least 1, got {parse.GetValue(variables)}."));
                Require(parse.GetValue(grid) is null or >= 1, string.Create(CultureInfo.InvariantCulture, $"--grid must be at least 1, got {parse.GetValue(grid)}."));
                var options = new InteractionAnalysisOptions
                {
                    Solver = ParseSolver(parse.GetValue(solver)),
                    NoiseThreshold = parse.GetValue(qthres),
                    Tau = parse.GetValue(tau),
                };
                if (parse.GetValue(iterations) is { } count)
                {
                    options.MaxIterations = count;
                    options.ReferenceIterations = count;
                }

                if (parse.GetValue(output) is { } saveTo)
                {
                    CheckWritable(saveTo);
                }

                var outputsFile = parse.GetValue(outputs);
                var runFolder = parse.GetValue(run);
                if ((outputsFile is null) == (runFolder is null))
                {
                    throw new ArgumentException("Give exactly one source: --outputs FILE (model-free) or --run DIR (a trained model).");
                }

                if (outputsFile is not null)
                {
                    Option[] runOnly = [epoch, checkpoint, split, sampleIndices, variables, placement, grid, seed];
                    var ignored = runOnly.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
                    if (ignored.Count > 0)
                    {
                        throw new ArgumentException($"{string.Join(", ", ignored)} only apply with --run; --outputs already holds the 2^n outputs.");
                    }

                    var samples = ReadOutputs(outputsFile.FullName);
                    try
                    {
                        return Run(samples, options, parse.GetValue(top), parse.GetValue(json), parse.GetValue(output)?.FullName, Console.Out);
                    }
                    catch (ArgumentException e) when (e.ParamName == "outputs")
                    {
                        // The analysis names the sample and mask (a NaN, a length); say which file holds them.
                        throw new InvalidDataException($"{outputsFile.FullName}: {e.Message.Replace(" (Parameter 'outputs')", string.Empty, StringComparison.Ordinal)}", e);
                    }
                }

                if (parse.GetValue(epoch) is int epochValue && parse.GetValue(checkpoint) is { } file)
                {
                    throw new ArgumentException($"--epoch {epochValue} and --checkpoint {file} both choose the checkpoint; give one.");
                }

                var request = new ModelExtractionRequest
                {
                    RunFolder = runFolder!.FullName,
                    Checkpoint = parse.GetValue(epoch) is int chosen ? RunFolder.FindEpochCheckpoint(runFolder.FullName, chosen) : parse.GetValue(checkpoint)?.FullName,
                    Split = parse.GetValue(split)!,
                    Samples = parse.GetResult(sampleIndices) is null ? [0] : parse.GetValue(sampleIndices)!,
                    Variables = parse.GetValue(variables) ?? ModelExtractionRequest.DefaultVariables(ParsePlacement(parse.GetValue(placement))),
                    Placement = ParsePlacement(parse.GetValue(placement)),
                    Grid = parse.GetValue(grid) ?? ModelExtractionRequest.DefaultGrid(ParsePlacement(parse.GetValue(placement))),
                    Seed = parse.GetValue(seed),
                };
                var watch = Stopwatch.StartNew();
                var extraction = ModelExtraction.Extract(request, options);
                return Report(extraction, parse.GetValue(top), parse.GetValue(json), parse.GetValue(output)?.FullName, watch.Elapsed, Console.Out);
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException or JsonException or UnauthorizedAccessException or InvalidOperationException)
            {
                Console.Error.WriteLine($"spindle extract: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>Checks that <c>--output</c> can be written (its folder exists, is writable, and the name is not a folder) before any work is done.</summary>
    /// <param name="file">The output file.</param>
    /// <exception cref="ArgumentException">It cannot be written; the message says why.</exception>
    internal static void CheckWritable(FileInfo file)
    {
        var folder = Path.GetDirectoryName(file.FullName) ?? ".";
        if (Directory.Exists(file.FullName))
        {
            throw new ArgumentException($"--output {file}: that is a folder; give a file name, such as {Path.Combine(file.ToString(), "extraction.json")}.");
        }

        if (!Directory.Exists(folder))
        {
            throw new ArgumentException($"--output {file}: the folder {folder} does not exist.");
        }

        var probe = Path.Combine(folder, $".{file.Name}.{Guid.NewGuid():N}.probe.tmp");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new ArgumentException($"--output {file}: cannot write in {folder} ({(e is UnauthorizedAccessException ? "permission denied" : e.Message)}).", e);
        }
    }

    /// <summary>Analyses the outputs and writes the report.</summary>
    /// <param name="samples">Per sample, the 2^n outputs.</param>
    /// <param name="options">The analysis options.</param>
    /// <param name="top">Interactions listed per sample.</param>
    /// <param name="json">Print the extraction's JSON (<see cref="InteractionExtraction.ToJson"/>) instead of tables.</param>
    /// <param name="outputPath">Where to save the full extraction, or <see langword="null"/>.</param>
    /// <param name="writer">Where the report goes.</param>
    /// <returns>The exit code.</returns>
    public static int Run(IReadOnlyList<double[]> samples, InteractionAnalysisOptions options, int top, bool json, string? outputPath, TextWriter writer)
    {
        var watch = Stopwatch.StartNew();
        var extraction = InteractionAnalyzer.Analyze(samples, options);
        return Report(extraction, top, json, outputPath, watch.Elapsed, writer);
    }

    /// <summary>Saves the extraction if asked and writes the report.</summary>
    /// <param name="extraction">The extraction.</param>
    /// <param name="top">Interactions listed per sample.</param>
    /// <param name="json">
    /// Print the extraction's JSON (<see cref="InteractionExtraction.ToJson"/>, the document <paramref name="outputPath"/>
    /// receives) instead of tables, so that the output can be redirected to a file and decomposed.
    /// </param>
    /// <param name="outputPath">Where to save the full extraction, or <see langword="null"/>.</param>
    /// <param name="elapsed">The time the extraction took.</param>
    /// <param name="writer">Where the report goes.</param>
    /// <returns>The exit code.</returns>
    public static int Report(InteractionExtraction extraction, int top, bool json, string? outputPath, TimeSpan elapsed, TextWriter writer)
    {
        if (outputPath is not null)
        {
            extraction.Save(outputPath);
        }

        if (json)
        {
            writer.WriteLine(extraction.ToJson());
        }
        else
        {
            WriteTables(extraction, top, elapsed, writer);
            if (outputPath is not null)
            {
                writer.WriteLine($"Wrote {outputPath}.");
            }
        }

        return 0;
    }

    /// <summary>Reads <c>{"n": n, "values": [...]}</c> or <c>{"n": n, "values": [[...], ...]}</c>.</summary>
    /// <remarks>
    /// The named literals <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> are read, bare (as Python's <c>json</c>
    /// writes them) or quoted, so that the analysis can reject them naming the sample and mask.
    /// </remarks>
    /// <param name="path">The file.</param>
    /// <returns>The samples.</returns>
    /// <exception cref="InvalidDataException">The file does not have that shape.</exception>
    public static List<double[]> ReadOutputs(string path)
    {
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(QuoteNamedLiterals(File.ReadAllText(path)));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
        }

        var root = parsed as JsonObject
            ?? throw new InvalidDataException($"{path}: expected a JSON object with \"n\" and \"values\".");
        if (root["values"] is not JsonArray values || values.Count == 0)
        {
            throw new InvalidDataException($"{path}: \"values\" must be a non-empty array of numbers or of arrays of numbers.");
        }

        var single = values[0] is JsonValue;
        var samples = single ? [ToDoubles(values, path, "values")] : values.Select((s, i) => ToDoubles(s as JsonArray, path, $"values[{i}]")).ToList();
        if (root["n"] is JsonNode nNode)
        {
            if (nNode is not JsonValue nValue || !nValue.TryGetValue(out int n))
            {
                throw new InvalidDataException($"{path}: \"n\" must be a whole number (the variable count), got {nNode.ToJsonString()}.");
            }

            if (n < 1)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: \"n\" is {n}; the variable count must be at least 1."));
            }

            for (var i = 0; i < samples.Count; i++)
            {
                if (n < 0 || n > 30 || samples[i].Length != 1 << n)
                {
                    throw new InvalidDataException($"{path}: \"n\" is {n}, so every sample needs 2^{n} values, but sample {i} has {samples[i].Length}.");
                }
            }
        }

        if (samples[0].Length == 1)
        {
            throw new InvalidDataException($"{path}: \"values\" holds one output per sample, which is n = 0 variables; give 2^n outputs with n ≥ 1.");
        }

        return samples;
    }

    /// <summary>Puts quotes around bare <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> outside strings, which JSON lacks but Python writes.</summary>
    private static string QuoteNamedLiterals(string json)
    {
        var result = new System.Text.StringBuilder(json.Length);
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                result.Append(c);
                if (c == '\\' && i + 1 < json.Length)
                {
                    result.Append(json[++i]);
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (c == '"')
            {
                inString = true;
                result.Append(c);
                continue;
            }

            var literal = NamedLiterals.FirstOrDefault(l => string.CompareOrdinal(json, i, l, 0, l.Length) == 0 && !IsWordChar(json, i - 1) && !IsWordChar(json, i + l.Length));
            if (literal is not null)
            {
                result.Append('"').Append(literal).Append('"');
                i += literal.Length - 1;
                continue;
            }

            result.Append(c);
        }

        return result.ToString();
    }

    private static bool IsWordChar(string text, int index) =>
        index >= 0 && index < text.Length && (char.IsLetterOrDigit(text[index]) || text[index] is '-' or '+' or '.' or '_');

    private static double[] ToDoubles(JsonArray? array, string path, string name)
    {
        if (array is null)
        {
            throw new InvalidDataException($"{path}: \"{name}\" must be an array of numbers.");
        }

        var result = new double[array.Count];
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonValue value || !TryGetDouble(value, out var x))
            {
                throw new InvalidDataException($"{path}: \"{name}\"[{i}] is not a number.");
            }

            result[i] = x;
        }

        return result;
    }

    private static bool TryGetDouble(JsonValue value, out double x)
    {
        if (value.TryGetValue(out x))
        {
            return true;
        }

        if (value.TryGetValue(out string? text) && NamedLiterals.Contains(text))
        {
            x = value.Deserialize<double>(NamedLiteralOptions);
            return true;
        }

        return false;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }

    private static VariablePlacement ParsePlacement(string? name) => name?.ToLowerInvariant() switch
    {
        "input" => VariablePlacement.Input,
        "feature-map" => VariablePlacement.FeatureMap,
        _ => throw new ArgumentException($"--on must be 'input' or 'feature-map', got '{name}'."),
    };

    private static InteractionSolver ParseSolver(string? name) => name?.ToLowerInvariant() switch
    {
        "exact" => InteractionSolver.Exact,
        "reference" => InteractionSolver.Reference,
        _ => throw new ArgumentException($"--solver must be 'exact' or 'reference', got '{name}'."),
    };

    private static void WriteTables(InteractionExtraction extraction, int top, TimeSpan elapsed, TextWriter writer)
    {
        var n = extraction.VariableCount;
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"n = {n}, {extraction.Samples.Count} sample(s), solver {extraction.Solver}, qthres {extraction.NoiseThreshold}, τ = {extraction.Tau:G6}, Z = {extraction.Normalization:G6}, {elapsed.TotalMilliseconds:F1} ms"));
        for (var index = 0; index < extraction.Samples.Count; index++)
        {
            var sample = extraction.Samples[index];
            var bound = sample.LowerBound is { } lb ? string.Create(CultureInfo.InvariantCulture, $", lower bound {lb:G8} (gap {(sample.Objective - lb) / Math.Max(sample.Objective, double.Epsilon):P3})") : string.Empty;
            writer.WriteLine();
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sample {index}: objective {sample.Objective:G8}{bound}, {sample.Iterations} iterations, {sample.SalientAnd.Length} salient AND, {sample.SalientOr.Length} salient OR, bias v(∅)-δ = {sample.And[0]:G6}"));
            var ranked = Enumerable.Range(1, sample.And.Length - 1)
                .SelectMany(s => new[] { (Kind: "AND", Mask: s, Value: sample.And[s]), (Kind: "OR", Mask: s, Value: sample.Or[s]) })
                .Where(x => x.Value != 0)
                .OrderByDescending(x => Math.Abs(x.Value))
                .Take(top);
            writer.WriteLine($"  {"kind",-4} {"order",5} {"value",14}  variables");
            foreach (var (kind, mask, value) in ranked)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {kind,-4} {SubsetTransforms.Order(mask),5} {value,14:G8}  {SubsetTransforms.Describe(mask)}"));
            }
        }

        writer.WriteLine();
        writer.WriteLine("Per-order distribution (Eq. 6, salient AND and OR, mean over samples; normalised by Z):");
        writer.WriteLine($"  {"m",3} {"A+",14} {"A-",14} {"A+/Z",10} {"A-/Z",10}");
        if (extraction.Distribution is not { } distribution)
        {
            return;
        }

        var z = extraction.Normalization;
        for (var m = 1; m <= n; m++)
        {
            var plus = distribution.Positive[m - 1];
            var minus = distribution.Negative[m - 1];
            var normalized = z > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{plus / z,10:F4} {minus / z,10:F4}")
                : $"{"-",10} {"-",10}";
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {m,3} {plus,14:G6} {minus,14:G6} {normalized}"));
        }
    }
}
