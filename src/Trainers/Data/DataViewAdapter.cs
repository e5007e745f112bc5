using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace Spindle.Trainers.Data;

/// <summary>
/// Moves rows of an ML.NET <see cref="IDataView"/> (a vector or scalar feature column and a label
/// column) into a <see cref="LabeledData{T}"/>, or streams them as TorchSharp tensor batches
/// without holding the whole view in memory. Labels may be a key type (ML.NET's
/// <c>MapValueToKey</c>: key k becomes label k - 1), a Boolean (false 0, true 1) or any integer or
/// floating-point type holding whole numbers.
/// </summary>
public static class DataViewAdapter
{
    /// <summary>Copies a view into host memory.</summary>
    /// <typeparam name="T">The feature element type; must match the feature column's item type (<see cref="float"/> for <c>Single</c>, <see cref="long"/> for <c>Int64</c>, …).</typeparam>
    /// <param name="view">The view.</param>
    /// <param name="featureColumn">The feature column: a vector (of fixed or, if all rows agree, variable size) or a scalar.</param>
    /// <param name="labelColumn">The label column.</param>
    /// <param name="name">The dataset's name.</param>
    /// <param name="sampleShape">The shape of one sample; [vector size] when null. Its product must equal the vector size.</param>
    /// <param name="classCount">The number of classes; when null, the key count of a key column, 2 for Boolean, else the largest label + 1.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="InvalidDataException">A column has the wrong type, rows differ in size, or a label is missing, fractional, negative or out of range; the message gives the row.</exception>
    public static LabeledData<T> ToLabeledData<T>(IDataView view, string featureColumn, string labelColumn, string name, int[]? sampleShape = null, int? classCount = null)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(name);
        var (features, labels) = (new List<T>(), new List<int>());
        var size = -1;
        using (var reader = new RowReader<T>(view, featureColumn, labelColumn, name))
        {
            while (reader.MoveNext())
            {
                size = reader.Size;
                features.AddRange(reader.Features);
                labels.Add(reader.Label);
            }

            classCount ??= reader.KeyCount ?? (labels.Count == 0 ? 1 : labels.Max() + 1);
        }

        var shape = ResolveShape(sampleShape, size < 0 ? VectorSize(view, featureColumn) : size, name);
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i] >= classCount)
            {
                throw DatasetError.Invalid(name, $"row {i}: label {labels[i]} is outside [0, {classCount}).");
            }
        }

        return new LabeledData<T>(name, shape, [.. features], [.. labels], classCount.Value);
    }

    /// <summary>Streams a view as batches of tensors, reading it once, front to back.</summary>
    /// <typeparam name="T">The feature element type, matching the feature column's item type.</typeparam>
    /// <param name="view">The view.</param>
    /// <param name="featureColumn">The feature column.</param>
    /// <param name="labelColumn">The label column.</param>
    /// <param name="batchSize">The rows per batch; the last batch may be smaller.</param>
    /// <param name="sampleShape">The shape of one sample; [vector size] when null.</param>
    /// <param name="device">The device of the tensors; the CPU when null.</param>
    /// <returns>Pairs of inputs [batch, ..sampleShape] and int64 labels [batch]; the caller disposes them.</returns>
    /// <exception cref="InvalidDataException">As for <see cref="ToLabeledData"/>.</exception>
    public static IEnumerable<(Tensor Inputs, Tensor Labels)> ToBatches<T>(IDataView view, string featureColumn, string labelColumn, int batchSize, int[]? sampleShape = null, Device? device = null)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return Stream<T>(view, featureColumn, labelColumn, batchSize, sampleShape, device);
    }

    private static IEnumerable<(Tensor Inputs, Tensor Labels)> Stream<T>(IDataView view, string featureColumn, string labelColumn, int batchSize, int[]? sampleShape, Device? device)
        where T : unmanaged
    {
        const string Name = "data view";
        using var reader = new RowReader<T>(view, featureColumn, labelColumn, Name);
        int[]? shape = null;
        var features = new List<T>();
        var labels = new List<int>();
        while (true)
        {
            var more = reader.MoveNext();
            if (more)
            {
                shape ??= ResolveShape(sampleShape, reader.Size, Name);
                features.AddRange(reader.Features);
                labels.Add(reader.Label);
            }

            if (labels.Count == batchSize || (!more && labels.Count > 0))
            {
                var batch = new LabeledData<T>(Name, shape!, [.. features], [.. labels], labels.Max() + 1);
                features.Clear();
                labels.Clear();
                yield return batch.Batch(Enumerable.Range(0, batch.Count).ToArray(), device);
            }

            if (!more)
            {
                yield break;
            }
        }
    }

    private static int VectorSize(IDataView view, string column) => view.Schema[column].Type switch
    {
        VectorDataViewType v => v.Size,
        _ => 1,
    };

    private static int[] ResolveShape(int[]? sampleShape, int size, string name)
    {
        if (sampleShape is null)
        {
            return [Math.Max(size, 1)];
        }

        var product = sampleShape.Aggregate(1L, (a, d) => a * d);
        if (product != size)
        {
            throw DatasetError.Invalid(name, $"sample shape [{string.Join(", ", sampleShape)}] holds {product} values; the feature vectors have {size}.");
        }

        return sampleShape;
    }
}
