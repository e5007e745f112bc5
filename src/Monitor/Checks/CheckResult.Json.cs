using System.Text.Json;
using System.Text.Json.Serialization;
using Spindle.Monitor.Decomposition;
using Spindle.Monitor.IO;

namespace Spindle.Monitor.Checks;

/// <content>JSON serialisation of a check (format <see cref="FormatName"/>, version <see cref="CurrentVersion"/>).</content>
public sealed partial class CheckResult
{
    private static readonly JsonSerializerOptions SerializerOptions = new()
    {
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Serialises the check (without the raw interactions) to one line of JSON, as a monitor log appends it.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(ToRecord(), SerializerOptions);

    /// <summary>Writes <see cref="ToJson"/> to a file atomically (a temporary file, then a move).</summary>
    /// <param name="path">The destination.</param>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>Reads a check written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The check (without <see cref="Extraction"/>).</returns>
    /// <exception cref="InvalidDataException">The text is not a check of a version this library reads, or is inconsistent.</exception>
    public static CheckResult FromJson(string json)
    {
        CheckRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<CheckRecord>(json, SerializerOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Not a {FormatName} record: {e.Message}", e);
        }

        if (record is null || record.Format != FormatName)
        {
            throw new InvalidDataException($"Not a {FormatName} record (format '{record?.Format}').");
        }

        if (record.Version != CurrentVersion)
        {
            throw new InvalidDataException($"{FormatName} version {record.Version} is not supported (this library reads version {CurrentVersion}).");
        }

        try
        {
            return record.ToResult();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Inconsistent {FormatName} record: {e.Message}", e);
        }
    }

    /// <summary>Reads a check written by <see cref="Save"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The check.</returns>
    /// <exception cref="InvalidDataException">The file is not a readable check; the message names it.</exception>
    public static CheckResult Load(string path)
    {
        try
        {
            return FromJson(File.ReadAllText(path));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private CheckRecord ToRecord() => new()
    {
        Provenance = Provenance,
        VariableCount = VariableCount,
        Tau = Tau,
        Z = Z,
        AllConverged = AllConverged,
        Data = DistributionRecord.From(Data),
        Samples = SampleDistributions.Select(DistributionRecord.From).ToArray(),
        SampleFirstOrder = [.. SampleFirstOrderStrengths],
        Fit = new FitRecord
        {
            Shape = Fit.Shape,
            Alpha = Fit.Alpha,
            Beta = Fit.Beta,
            Delta = Fit.Delta,
            Gamma = Fit.Gamma,
            MinAlpha = Fit.MinAlpha,
            MinDelta = Fit.MinDelta,
            MaxDelta = Fit.MaxDelta,
            Decay = DistributionRecord.From(Fit.Decay),
            Spindle = DistributionRecord.From(Fit.Spindle),
            RSquared = Fit.RSquared,
            Warnings = Fit.Warnings.ToString(),
        },
        Summary = Summary,
        CancellationMass = CancellationMass,
        Uncertainty = Uncertainty is null ? null : new UncertaintyRecord
        {
            Seed = Uncertainty.Seed,
            SampleCount = Uncertainty.SampleCount,
            ConfidenceLevel = Uncertainty.ConfidenceLevel,
            Intervals = Enum.GetValues<CheckMetric>().ToDictionary(m => m, Uncertainty.Interval),
            Replicates = Enum.GetValues<CheckMetric>().ToDictionary(m => m, m => Uncertainty.Values(m).ToArray()),
        },
        Timings = Timings,
    };

    private sealed class CheckRecord
    {
        [JsonPropertyName("format")]
        public string Format { get; init; } = FormatName;

        [JsonPropertyName("version")]
        public int Version { get; init; } = CurrentVersion;

        [JsonPropertyName("provenance")]
        public CheckProvenance Provenance { get; init; } = new();

        [JsonPropertyName("variableCount")]
        public int VariableCount { get; init; }

        [JsonPropertyName("tau")]
        public double Tau { get; init; }

        [JsonPropertyName("z")]
        public double Z { get; init; }

        [JsonPropertyName("allConverged")]
        public bool? AllConverged { get; init; }

        [JsonPropertyName("summary")]
        public DecompositionSummary? Summary { get; init; }

        [JsonPropertyName("cancellationMass")]
        public double? CancellationMass { get; init; }

        [JsonPropertyName("fit")]
        public FitRecord Fit { get; init; } = new();

        [JsonPropertyName("data")]
        public DistributionRecord Data { get; init; } = new();

        [JsonPropertyName("samples")]
        public DistributionRecord[] Samples { get; init; } = [];

        [JsonPropertyName("sampleFirstOrder")]
        public double[] SampleFirstOrder { get; init; } = [];

        [JsonPropertyName("uncertainty")]
        public UncertaintyRecord? Uncertainty { get; init; }

        [JsonPropertyName("timings")]
        public CheckTimings Timings { get; init; } = new(0, 0, 0);

        public CheckResult ToResult()
        {
            if (Samples.Length == 0 || Samples.Length != SampleFirstOrder.Length)
            {
                throw new ArgumentException($"{Samples.Length} sample distributions but {SampleFirstOrder.Length} first-order strengths.");
            }

            var data = Data.ToDistribution();
            var fit = new DecompositionResult(Fit.Alpha, Fit.Beta, Fit.Delta, Fit.Gamma, data, Fit.Decay.ToDistribution(), Fit.Spindle.ToDistribution())
            {
                Shape = Fit.Shape,
                MinAlpha = Fit.MinAlpha,
                MinDelta = Fit.MinDelta,
                MaxDelta = Fit.MaxDelta,
            };
            var uncertainty = Uncertainty is null ? null : new CheckUncertainty(Uncertainty.Seed, Uncertainty.SampleCount, Uncertainty.ConfidenceLevel, Uncertainty.Replicates);
            return new CheckResult(Provenance, Tau, Samples.Select(s => s.ToDistribution()).ToArray(), SampleFirstOrder, fit, uncertainty, Timings, AllConverged, null);
        }
    }

    private sealed class FitRecord
    {
        [JsonPropertyName("shape")]
        public DecayShape Shape { get; init; }

        [JsonPropertyName("alpha")]
        public double Alpha { get; init; }

        [JsonPropertyName("beta")]
        public double Beta { get; init; }

        [JsonPropertyName("delta")]
        public double? Delta { get; init; }

        [JsonPropertyName("gamma")]
        public double? Gamma { get; init; }

        [JsonPropertyName("minAlpha")]
        public double MinAlpha { get; init; }

        [JsonPropertyName("minDelta")]
        public double? MinDelta { get; init; }

        [JsonPropertyName("maxDelta")]
        public double? MaxDelta { get; init; }

        [JsonPropertyName("rSquared")]
        public double RSquared { get; init; }

        [JsonPropertyName("warnings")]
        public string Warnings { get; init; } = string.Empty;

        [JsonPropertyName("decay")]
        public DistributionRecord Decay { get; init; } = new();

        [JsonPropertyName("spindle")]
        public DistributionRecord Spindle { get; init; } = new();
    }

    private sealed class UncertaintyRecord
    {
        [JsonPropertyName("seed")]
        public int Seed { get; init; }

        [JsonPropertyName("sampleCount")]
        public int SampleCount { get; init; }

        [JsonPropertyName("confidenceLevel")]
        public double ConfidenceLevel { get; init; }

        [JsonPropertyName("intervals")]
        public Dictionary<CheckMetric, MetricInterval?> Intervals { get; init; } = [];

        [JsonPropertyName("replicates")]
        public Dictionary<CheckMetric, double[]> Replicates { get; init; } = [];
    }

    private sealed class DistributionRecord
    {
        [JsonPropertyName("positive")]
        public double[] Positive { get; init; } = [];

        [JsonPropertyName("negative")]
        public double[] Negative { get; init; } = [];

        public static DistributionRecord From(OrderDistribution distribution) => new() { Positive = distribution.Positive, Negative = distribution.Negative };

        public OrderDistribution ToDistribution() => new(Positive, Negative);
    }
}
