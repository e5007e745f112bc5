using System.Text.Json;
using System.Text.Json.Serialization;
using Spindle.Monitor.IO;

namespace Spindle.Monitor.Interactions;

/// <summary>JSON reading and writing of <see cref="InteractionExtraction"/>.</summary>
public sealed partial class InteractionExtraction
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>Serialises this extraction to JSON; every double round-trips exactly.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Writes this extraction as JSON to <paramref name="path"/> atomically (temporary file, then move).</summary>
    /// <param name="path">The destination file; replaced if it exists.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="DirectoryNotFoundException">The destination's folder does not exist.</exception>
    public void Save(string path)
    {
        AtomicFile.WriteAllText(path, ToJson());
    }

    /// <summary>Reads an extraction written by <see cref="Save"/>.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The extraction, checked for consistency.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid extraction of a supported version.</exception>
    public static InteractionExtraction Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        try
        {
            return FromJson(File.ReadAllText(path));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Parses an extraction from JSON text produced by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The extraction, checked for consistency.</returns>
    /// <exception cref="InvalidDataException">The text is not a valid extraction of a supported version.</exception>
    public static InteractionExtraction FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        InteractionExtraction? result;
        try
        {
            using (var document = JsonDocument.Parse(json))
            {
                CheckHeader(document.RootElement);
            }

            result = JsonSerializer.Deserialize<InteractionExtraction>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Not a valid interaction extraction file: {e.Message}", e);
        }

        if (result is null)
        {
            throw new InvalidDataException("Not a valid interaction extraction file: the JSON is null.");
        }

        result.CheckConsistency();
        return result;
    }

    private static void CheckHeader(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"Not a valid interaction extraction file: expected a JSON object, found {root.ValueKind}.");
        }

        if (!root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != FormatName)
        {
            throw new InvalidDataException($"Not an interaction extraction file: the 'format' field must be \"{FormatName}\".");
        }

        if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v))
        {
            throw new InvalidDataException("Not a valid interaction extraction file: the 'version' field is missing or not an integer.");
        }

        // Version 1 also stored the per-order sums (0..n); they are derived from the interactions and τ and are ignored.
        if (v is not (1 or CurrentVersion))
        {
            throw new InvalidDataException($"Unsupported interaction extraction version {v}; this library reads versions 1 and {CurrentVersion}.");
        }
    }

    private void CheckConsistency()
    {
        var n = VariableCount;
        if (n < 0 || n > SubsetTransforms.MaxVariables)
        {
            throw new InvalidDataException($"Invalid interaction extraction: variableCount {n} is outside 0..{SubsetTransforms.MaxVariables}.");
        }

        if (!(Tau >= 0) || !double.IsFinite(Tau))
        {
            throw new InvalidDataException($"Invalid interaction extraction: tau is {Tau}; it must be finite and at least 0.");
        }

        var size = 1 << n;
        for (var i = 0; i < Samples.Count; i++)
        {
            var s = Samples[i] ?? throw new InvalidDataException($"Invalid interaction extraction: sample {i} is null.");
            var prefix = $"samples[{i}].";
            CheckLength(s.Values, size, prefix + "values");
            CheckLength(s.And, size, prefix + "and");
            CheckLength(s.Or, size, prefix + "or");
            CheckLength(s.Gamma, size, prefix + "gamma");
            CheckLength(s.Delta, size, prefix + "delta");
            CheckMasks(s.SalientAnd, size, prefix + "salientAnd");
            CheckMasks(s.SalientOr, size, prefix + "salientOr");
        }
    }

    private static void CheckLength(double[]? values, int expected, string name)
    {
        if (values is null || values.Length != expected)
        {
            throw new InvalidDataException($"Invalid interaction extraction: '{name}' has {values?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no"} entries, expected {expected}.");
        }
    }

    private static void CheckMasks(int[]? masks, int size, string name)
    {
        if (masks is null)
        {
            throw new InvalidDataException($"Invalid interaction extraction: '{name}' is missing.");
        }

        foreach (var mask in masks)
        {
            if (mask <= 0 || mask >= size)
            {
                throw new InvalidDataException($"Invalid interaction extraction: '{name}' holds mask {mask}, outside 1..{size - 1}.");
            }
        }
    }
}
