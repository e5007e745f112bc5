using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Trainers.Data;

/// <summary>
/// A labelled dataset held in host memory: per sample, a block of <see cref="SampleShape"/>
/// elements of <see cref="Features"/> (pixels as <see cref="float"/> for images and tabular data,
/// token ids as <see cref="long"/> for text) and one class label.
/// </summary>
/// <typeparam name="T">The element type of the features: <see cref="float"/> or <see cref="long"/>.</typeparam>
public sealed class LabeledData<T>
    where T : unmanaged
{
    /// <summary>Initializes a new instance of the <see cref="LabeledData{T}"/> class.</summary>
    /// <param name="name">A short name for messages and run folders (for example <c>fashion-mnist/train</c>).</param>
    /// <param name="sampleShape">The shape of one sample (for example [1, 28, 28]).</param>
    /// <param name="features">All samples' features, sample-major.</param>
    /// <param name="labels">One label per sample, in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">The number of classes.</param>
    /// <exception cref="ArgumentException">The sizes disagree or a label is out of range.</exception>
    public LabeledData(string name, int[] sampleShape, T[] features, int[] labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        var sampleSize = 1;
        foreach (var d in sampleShape)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(d, 1, nameof(sampleShape));
            sampleSize = checked(sampleSize * d);
        }

        if ((long)sampleSize * labels.Length != features.Length)
        {
            throw new ArgumentException(
                $"{name}: {labels.Length} samples of shape [{string.Join(", ", sampleShape)}] need {(long)sampleSize * labels.Length} feature values, got {features.Length}.",
                nameof(features));
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentException($"{name}: label {labels[i]} of sample {i} is outside [0, {classCount}).", nameof(labels));
            }
        }

        Name = name;
        SampleShape = (int[])sampleShape.Clone();
        SampleSize = sampleSize;
        Features = features;
        Labels = labels;
        ClassCount = classCount;
    }

    /// <summary>Gets the dataset's name.</summary>
    public string Name { get; }

    /// <summary>Gets the shape of one sample.</summary>
    public int[] SampleShape { get; }

    /// <summary>Gets the number of feature elements in one sample.</summary>
    public int SampleSize { get; }

    /// <summary>Gets all samples' features, sample-major.</summary>
    public T[] Features { get; }

    /// <summary>Gets the labels.</summary>
    public int[] Labels { get; }

    /// <summary>Gets the number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Gets the number of samples.</summary>
    public int Count => Labels.Length;

    /// <summary>Gets the features of one sample.</summary>
    /// <param name="index">The sample index.</param>
    /// <returns>A view of the sample's features.</returns>
    public ReadOnlySpan<T> Sample(int index) => Features.AsSpan(index * SampleSize, SampleSize);

    /// <summary>Creates a dataset of the given samples, in the given order.</summary>
    /// <param name="indices">Indices of the samples to keep.</param>
    /// <param name="name">The new dataset's name; defaults to this one's.</param>
    /// <returns>The subset, with its own copies of features and labels.</returns>
    public LabeledData<T> Select(IReadOnlyList<int> indices, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var features = new T[indices.Count * SampleSize];
        var labels = new int[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            Sample(indices[i]).CopyTo(features.AsSpan(i * SampleSize, SampleSize));
            labels[i] = Labels[indices[i]];
        }

        return new LabeledData<T>(name ?? Name, SampleShape, features, labels, ClassCount);
    }

    /// <summary>Creates a dataset with the same features and other labels (label noise, relabelling).</summary>
    /// <param name="labels">The new labels, one per sample.</param>
    /// <param name="name">The new dataset's name; defaults to this one's.</param>
    /// <returns>The relabelled dataset; features are shared, not copied.</returns>
    public LabeledData<T> WithLabels(int[] labels, string? name = null) => new(name ?? Name, SampleShape, Features, labels, ClassCount);

    /// <summary>Copies a batch of samples into new tensors.</summary>
    /// <param name="indices">The samples of the batch.</param>
    /// <param name="device">The device for the tensors; the CPU when null.</param>
    /// <returns>The inputs, shaped [batch, ..sampleShape], and the labels as int64 [batch].</returns>
    public (Tensor Inputs, Tensor Labels) Batch(ReadOnlySpan<int> indices, Device? device = null)
    {
        var features = new T[indices.Length * SampleSize];
        var labels = new long[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            Sample(indices[i]).CopyTo(features.AsSpan(i * SampleSize, SampleSize));
            labels[i] = Labels[indices[i]];
        }

        var shape = new long[SampleShape.Length + 1];
        shape[0] = indices.Length;
        for (var d = 0; d < SampleShape.Length; d++)
        {
            shape[d + 1] = SampleShape[d];
        }

        var x = CreateTensor(features, shape);
        var y = torch.tensor(labels);
        if (device is not null && device.type != DeviceType.CPU)
        {
            using (x)
            using (y)
            {
                return (x.to(device), y.to(device));
            }
        }

        return (x, y);
    }

    private static Tensor CreateTensor(T[] features, long[] shape) => features switch
    {
        float[] f => torch.tensor(f, shape),
        long[] l => torch.tensor(l, shape),
        double[] d => torch.tensor(d, shape),
        int[] i => torch.tensor(i, shape),
        _ => throw new NotSupportedException($"Feature type {typeof(T).Name} has no tensor conversion."),
    };
}
