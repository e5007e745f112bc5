using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Spindle.Monitor.IO;
using Spindle.Trainers.Data;
using TorchSharp;

namespace Spindle.Cli.Experiments.Evidence;

/// <summary>What every evidence study gets from its command line: folders, data, seeds, threads and its log.</summary>
internal sealed class EvidenceContext
{
    /// <summary>Gets the study's record folder.</summary>
    public required string Folder { get; init; }

    /// <summary>Gets the markdown report's path (figures go to a folder named after it).</summary>
    public required string Report { get; init; }

    /// <summary>Gets the shared trained models.</summary>
    public required ModelZoo Zoo { get; init; }

    /// <summary>Gets the seeds.</summary>
    public required IReadOnlyList<int> Seeds { get; init; }

    /// <summary>Gets a value indicating whether nothing is computed (report from the records).</summary>
    public bool ReportOnly { get; init; }

    /// <summary>Gets the exact command, as typed.</summary>
    public required string CommandLine { get; init; }

    /// <summary>Gets where progress goes.</summary>
    public required TextWriter Log { get; init; }

    /// <summary>Gets the folder of the report's figures (docs/results/NAME/).</summary>
    public string FigureFolder => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(Report))!, Path.GetFileNameWithoutExtension(Report));

    /// <summary>The path of a figure and the link the report uses for it.</summary>
    /// <param name="name">The file name (PNG).</param>
    /// <returns>The path to write and the relative link.</returns>
    public (string Path, string Link) Figure(string name) =>
        (System.IO.Path.Combine(FigureFolder, name), $"{System.IO.Path.GetFileNameWithoutExtension(Report)}/{name}");

    /// <summary>Opens the study's record store.</summary>
    /// <returns>The store (results.jsonl in the study folder).</returns>
    public RecordStore Records() => new(System.IO.Path.Combine(Folder, "results.jsonl"), ReportOnly);

    /// <summary>The record key of one model and seed, for example <c>cnn-seed0</c>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The key.</returns>
    public static string Key(string model, int seed) => string.Create(CultureInfo.InvariantCulture, $"{model}-seed{seed}");

    /// <summary>The saved records of every model at every seed, in that order, skipping those not recorded.</summary>
    /// <param name="records">The study's record store.</param>
    /// <param name="models">The models.</param>
    /// <returns>The records found.</returns>
    public List<JsonObject> RecordsOfEachModelAndSeed(RecordStore records, IEnumerable<string> models) =>
        [.. models.SelectMany(m => Seeds.Select(s => records.Find(Key(m, s)))).OfType<JsonObject>()];

    /// <summary>Opens the record store and measures every model at every seed whose record is missing, in order.</summary>
    /// <param name="models">The models.</param>
    /// <param name="measure">Measures one model at one seed.</param>
    /// <param name="token">Stops between units.</param>
    /// <returns>The store, with a record (or, report-only, a gap) per model and seed.</returns>
    public RecordStore RecordEachModelAndSeed(IEnumerable<string> models, Func<string, int, JsonObject> measure, CancellationToken token)
    {
        var records = Records();
        foreach (var model in models)
        {
            foreach (var seed in Seeds)
            {
                token.ThrowIfCancellationRequested();
                records.Get(Key(model, seed), () => measure(model, seed));
            }
        }

        return records;
    }
}

/// <summary>
/// One JSON line per finished unit of work, keyed by <c>key</c>, appended and flushed as each finishes: a rerun reads
/// them back and computes only the missing units.
/// </summary>
internal sealed class RecordStore
{
    private readonly string _path;
    private readonly bool _readOnly;
    private readonly Dictionary<string, JsonObject> _records = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="RecordStore"/> class.</summary>
    /// <param name="path">The JSON-lines file.</param>
    /// <param name="readOnly">Compute nothing: a missing unit is skipped.</param>
    public RecordStore(string path, bool readOnly)
    {
        _path = path;
        _readOnly = readOnly;
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
            {
                var record = JsonNode.Parse(line)!.AsObject();
                _records[(string)record["key"]!] = record;
            }
        }
    }

    /// <summary>Gets every record, in file order of their keys.</summary>
    public IEnumerable<JsonObject> All => _records.Values;

    /// <summary>Returns the record of a unit, computing and appending it when missing.</summary>
    /// <param name="key">The unit's key.</param>
    /// <param name="compute">Computes the record (without its key).</param>
    /// <returns>The record, or null when missing in a report-only run.</returns>
    public JsonObject? Get(string key, Func<JsonObject> compute)
    {
        if (_records.TryGetValue(key, out var existing))
        {
            return existing;
        }

        if (_readOnly)
        {
            return null;
        }

        var record = compute();
        record["key"] = key;
        _records[key] = record;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
        File.AppendAllText(_path, record.ToJsonString() + "\n", new UTF8Encoding(false));
        return record;
    }

    /// <summary>Returns the stored record of a unit, or null.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The record.</returns>
    public JsonObject? Find(string key) => _records.GetValueOrDefault(key);
}

/// <summary>Builds an evidence study's command with the options every study shares.</summary>
internal static class EvidenceStudy
{
    /// <summary>The default folder of the models the studies share.</summary>
    public const string DefaultModelsFolder = "experiments/evidence/models";

    /// <summary>Creates a study command.</summary>
    /// <param name="name">The study's name (kebab-case): records in experiments/evidence/NAME, report docs/results/NAME.md.</param>
    /// <param name="description">What the study does.</param>
    /// <param name="defaultSeeds">The default seeds.</param>
    /// <param name="options">The study's own options.</param>
    /// <param name="run">Runs the study and writes its report; returns the exit code.</param>
    /// <returns>The command.</returns>
    public static Command Create(string name, string description, int[] defaultSeeds, IReadOnlyList<Option> options, Func<ParseResult, EvidenceContext, CancellationToken, int> run)
    {
        var output = new Option<string>("--output") { Description = "Study folder: results.jsonl, one line per finished unit (a rerun resumes).", DefaultValueFactory = _ => $"experiments/evidence/{name}" };
        var report = new Option<string>("--report") { Description = "Markdown report to write (figures in a folder of the same name beside it).", DefaultValueFactory = _ => $"docs/results/{name}.md" };
        var models = new Option<string>("--models-folder") { Description = "Folder of the trained models the studies share (checkpoints and records; trained when missing).", DefaultValueFactory = _ => DefaultModelsFolder };
        var data = new Option<string?>("--data") { Description = SpindleCommands.WithDefault("Fashion-MNIST directory, or 'embedded' for the embedded 4,000-image subset.", $"{FashionMnist.DefaultDirectory} when installed, else the embedded subset") };
        var seeds = new Option<int[]>("--seeds") { Description = "Seeds, space-separated.", DefaultValueFactory = _ => defaultSeeds, AllowMultipleArgumentsPerToken = true };
        var testSamples = new Option<int>("--test-sample-count") { Description = "Size of the fixed class-balanced test subset models are evaluated on.", DefaultValueFactory = _ => 1000 };
        var threads = new Option<int?>("--threads") { Description = SpindleCommands.WithDefault("TorchSharp intra-op threads.", "one per core") };
        var reportOnly = new Option<bool>("--report-only") { Description = SpindleCommands.WithDefault("Compute nothing: write the report from the records already saved.", "off") };
        var command = new Command(name, description) { output, report, models, data, seeds, testSamples, threads, reportOnly };
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellationToken) =>
        {
            try
            {
                var seedList = parse.GetValue(seeds)!;
                if (seedList.Length == 0 || seedList.Any(s => s < 0))
                {
                    throw new ArgumentException("--seeds: need at least one seed, none negative.");
                }

                if (parse.GetValue(threads) is int t)
                {
                    if (t < 1)
                    {
                        throw new ArgumentException("--threads: need at least 1.");
                    }

                    torch.set_num_threads(t);
                }

                var tests = parse.GetValue(testSamples);
                if (tests < 10)
                {
                    throw new ArgumentException("--test-sample-count: need at least 10.");
                }

                var dataValue = parse.GetValue(data);
                var dataDirectory = dataValue == "embedded" ? null : dataValue ?? (FashionMnist.IsInstalled ? FashionMnist.DefaultDirectory : null);
                if (dataDirectory is not null && !Directory.Exists(dataDirectory))
                {
                    throw new ArgumentException($"--data {dataDirectory}: no such directory; give a Fashion-MNIST directory or 'embedded'.");
                }
                var tokens = parse.Tokens.Select(token => token.Value).ToList();
                var start = tokens.IndexOf(name);
                var context = new EvidenceContext
                {
                    Folder = parse.GetValue(output)!,
                    Report = parse.GetValue(report)!,
                    Zoo = new ModelZoo(parse.GetValue(models)!, dataDirectory, tests, Console.Out),
                    Seeds = seedList,
                    ReportOnly = parse.GetValue(reportOnly),
                    CommandLine = "spindle experiment " + string.Join(' ', tokens.Skip(Math.Max(0, start))),
                    Log = Console.Out,
                };
                var code = run(parse, context, cancellationToken);
                if (code == 0)
                {
                    Console.WriteLine($"Report: {context.Report}");
                }

                return Task.FromResult(code);
            }
            catch (OperationCanceledException e)
            {
                Console.Error.WriteLine($"spindle experiment {name}: {e.Message} Rerun the same command to resume.");
                return Task.FromResult(130);
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"spindle experiment {name}: {e.Message}");
                return Task.FromResult(1);
            }
        });
        return command;
    }

    /// <summary>Writes a report atomically.</summary>
    /// <param name="context">The study's context.</param>
    /// <param name="text">The markdown.</param>
    public static void WriteReport(EvidenceContext context, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(context.Report))!);
        AtomicFile.WriteAllText(context.Report, text);
    }

    /// <summary>A markdown table.</summary>
    /// <param name="header">The column titles.</param>
    /// <param name="rows">The rows.</param>
    /// <returns>The table, ending with a blank line.</returns>
    public static string Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", header).AppendLine(" |");
        text.Append('|').AppendJoin('|', header.Select(_ => " --- ")).AppendLine("|");
        foreach (var row in rows)
        {
            text.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
        }

        return text.AppendLine().ToString();
    }

    /// <summary>Reads a JSON array of numbers.</summary>
    /// <param name="node">The array.</param>
    /// <returns>The values.</returns>
    public static double[] Numbers(JsonNode? node) => node is JsonArray array ? [.. array.Select(v => v is null ? double.NaN : (double)v)] : [];

    /// <summary>Writes numbers as a JSON array.</summary>
    /// <param name="values">The values.</param>
    /// <returns>The array.</returns>
    public static JsonArray Json(IEnumerable<double> values) => new([.. values.Select(Number)]);

    /// <summary>A number for a JSON record: rounded to 6 decimals, null for NaN or infinity (JSON has neither).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The node.</returns>
    public static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, 6)) : null;

    /// <summary>Reads a number written by <see cref="Number"/>.</summary>
    /// <param name="node">The node.</param>
    /// <returns>The value; NaN for null.</returns>
    public static double Read(JsonNode? node) => node is null ? double.NaN : (double)node;

    /// <summary>Writes a per-order distribution divided by a scale (Z) as a JSON object with <c>positive</c> and <c>negative</c>.</summary>
    /// <param name="distribution">The distribution.</param>
    /// <param name="scale">The divisor.</param>
    /// <returns>The object.</returns>
    public static JsonObject Json(Spindle.Monitor.Decomposition.OrderDistribution distribution, double scale) => new()
    {
        ["positive"] = Json(distribution.Positive.Select(v => v / scale)),
        ["negative"] = Json(distribution.Negative.Select(v => v / scale)),
    };

    /// <summary>Reads a distribution written by <see cref="Json(Spindle.Monitor.Decomposition.OrderDistribution, double)"/>.</summary>
    /// <param name="node">The object.</param>
    /// <returns>The distribution.</returns>
    public static Spindle.Monitor.Decomposition.OrderDistribution Distribution(JsonNode? node) =>
        new(Numbers(node?["positive"]), Numbers(node?["negative"]));

    /// <summary>Formats an integer list for reports.</summary>
    /// <param name="values">The values.</param>
    /// <returns>For example <c>0, 1, 2</c>.</returns>
    public static string List(IEnumerable<int> values) => string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
}
