using System.Text.Json;
using System.Text.Json.Serialization;
using Spindle.Monitor.IO;

namespace Spindle.Trainers.Data;

/// <summary>
/// Which training labels label noise changed, and to what: enough to report, audit and re-apply
/// it. Saved as JSON in the run folder (<see cref="Save"/>).
/// </summary>
public sealed record LabelNoiseRecord
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Gets the name of the dataset the noise was applied to.</summary>
    public required string Dataset { get; init; }

    /// <summary>Gets the requested fraction of labels to change.</summary>
    public required double Fraction { get; init; }

    /// <summary>Gets the seed of the draw.</summary>
    public required long Seed { get; init; }

    /// <summary>Gets the number of samples of the dataset.</summary>
    public required int SampleCount { get; init; }

    /// <summary>Gets the number of classes of the dataset.</summary>
    public required int ClassCount { get; init; }

    /// <summary>Gets the indices of the changed samples, ascending.</summary>
    public required int[] Indices { get; init; }

    /// <summary>Gets the original label of each changed sample, aligned with <see cref="Indices"/>.</summary>
    public required int[] OriginalLabels { get; init; }

    /// <summary>Gets the new label of each changed sample, aligned with <see cref="Indices"/>; never the original.</summary>
    public required int[] NoisyLabels { get; init; }

    /// <summary>Gets the number of changed labels.</summary>
    [JsonIgnore]
    public int Count => Indices.Length;

    /// <summary>Reads a record saved by <see cref="Save"/>.</summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>The record.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid record.</exception>
    public static LabelNoiseRecord Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        LabelNoiseRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<LabelNoiseRecord>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw DatasetError.Invalid(path, $"not a label-noise record: {e.Message}", e);
        }

        if (record is null || record.Indices.Length != record.OriginalLabels.Length || record.Indices.Length != record.NoisyLabels.Length)
        {
            throw DatasetError.Invalid(path, "label-noise record has indices and labels of different lengths.");
        }

        return record;
    }

    /// <summary>Writes the record as indented JSON, through a temporary file so no half-written file is left.</summary>
    /// <param name="path">The destination, for example <c>run/label-noise.json</c>.</param>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));
    }

    /// <summary>Applies the recorded changes to a dataset (for example when resuming a run).</summary>
    /// <typeparam name="T">The element type of the features.</typeparam>
    /// <param name="data">The clean dataset the record was drawn from.</param>
    /// <returns>The dataset with the recorded labels replaced; features are shared.</returns>
    /// <exception cref="ArgumentException">The dataset does not match the record (size, classes, or an original label).</exception>
    public LabeledData<T> ApplyTo<T>(LabeledData<T> data)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count != SampleCount || data.ClassCount != ClassCount)
        {
            throw new ArgumentException($"The record is for {SampleCount} samples of {ClassCount} classes; the dataset has {data.Count} of {data.ClassCount}.", nameof(data));
        }

        var labels = (int[])data.Labels.Clone();
        for (var k = 0; k < Indices.Length; k++)
        {
            if (labels[Indices[k]] != OriginalLabels[k])
            {
                throw new ArgumentException($"Sample {Indices[k]} has label {labels[Indices[k]]}; the record expects {OriginalLabels[k]}.", nameof(data));
            }

            labels[Indices[k]] = NoisyLabels[k];
        }

        return data.WithLabels(labels);
    }
}
