using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Spindle.Monitor.IO;
using static TorchSharp.torch;

namespace Spindle.Regularizer.Baselines;

/// <summary>
/// A folder of trained baseline models, each saved with its <see cref="BaselineProvenance"/> and found again by it, so
/// baselines are trained once and reused across runs.
/// </summary>
/// <remarks>
/// Each baseline is two files named by the first 16 hexadecimal digits of the SHA-256 of its provenance's JSON:
/// <c>{model}-{key}.weights</c> (TorchSharp's <c>Module.save</c>) and <c>{model}-{key}.json</c> (a <see cref="BaselineRecord"/>).
/// Both are written to a temporary name and moved, weights first, so a crash never leaves a record without its weights.
/// </remarks>
public sealed class BaselineStore
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Initializes a new instance of the <see cref="BaselineStore"/> class.</summary>
    /// <param name="folder">The folder; created on the first save.</param>
    public BaselineStore(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = folder;
    }

    /// <summary>Gets the folder.</summary>
    public string Folder { get; }

    /// <summary>Computes the SHA-256 of a list of sample indices, for <see cref="BaselineProvenance.SampleIndicesSha256"/>.</summary>
    /// <param name="indices">The indices, in the order used.</param>
    /// <returns>The hash, lower-case hexadecimal.</returns>
    public static string HashIndices(IEnumerable<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var text = string.Join(",", indices.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Gets the path of the record of a baseline with this provenance (whether or not it exists).</summary>
    /// <param name="provenance">The provenance.</param>
    /// <returns>The path of the <c>.json</c> record.</returns>
    public string RecordPath(BaselineProvenance provenance) => Path.Combine(Folder, BaseName(provenance) + ".json");

    /// <summary>Gets whether a baseline with this provenance is saved.</summary>
    /// <param name="provenance">The provenance.</param>
    /// <returns>Whether its record and weights exist.</returns>
    public bool Contains(BaselineProvenance provenance) =>
        File.Exists(RecordPath(provenance)) && File.Exists(Path.Combine(Folder, BaseName(provenance) + ".weights"));

    /// <summary>Saves a trained baseline.</summary>
    /// <param name="model">The model.</param>
    /// <param name="provenance">Where it came from.</param>
    /// <param name="trainAccuracy">Its accuracy on its own training split, or <see langword="null"/>.</param>
    /// <returns>The record written.</returns>
    public BaselineRecord Save(nn.Module model, BaselineProvenance provenance, double? trainAccuracy = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(provenance);
        Directory.CreateDirectory(Folder);
        var name = BaseName(provenance);
        var weights = Path.Combine(Folder, name + ".weights");
        var temporary = weights + ".tmp";
        model.save(temporary);
        File.Move(temporary, weights, overwrite: true);
        var record = new BaselineRecord { Provenance = provenance, Weights = name + ".weights", TrainAccuracy = trainAccuracy, SavedUtc = DateTime.UtcNow };
        AtomicFile.WriteAllText(RecordPath(provenance), JsonSerializer.Serialize(record, Json));
        return record;
    }

    /// <summary>Loads the weights of a saved baseline with this provenance into a model of the same architecture.</summary>
    /// <param name="model">A freshly built model of the baseline's architecture; its weights are replaced.</param>
    /// <param name="provenance">The provenance to look for.</param>
    /// <returns>The record, or <see langword="null"/> when no baseline with this provenance is saved.</returns>
    /// <exception cref="InvalidDataException">The record exists but is unreadable or records another provenance.</exception>
    public BaselineRecord? TryLoad(nn.Module model, BaselineProvenance provenance)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(provenance);
        if (!Contains(provenance))
        {
            return null;
        }

        var path = RecordPath(provenance);
        BaselineRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<BaselineRecord>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a baseline record ({e.Message}).", e);
        }

        if (record is null || record.Format != BaselineRecord.FormatName || Canonical(record.Provenance) != Canonical(provenance))
        {
            throw new InvalidDataException($"{path}: the record does not describe the baseline asked for; delete it to retrain.");
        }

        model.load(Path.Combine(Folder, record.Weights));
        return record;
    }

    private static string Canonical(BaselineProvenance provenance) =>
        JsonSerializer.Serialize(provenance with { Training = new SortedDictionary<string, string>(provenance.Training.ToDictionary(), StringComparer.Ordinal) });

    private static string BaseName(BaselineProvenance provenance)
    {
        ArgumentNullException.ThrowIfNull(provenance);
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(provenance))))[..16];
        var model = new string(provenance.Model.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '_').ToArray());
        return $"{model}-{key}";
    }
}
