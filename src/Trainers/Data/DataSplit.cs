namespace Spindle.Trainers.Data;

/// <summary>A dataset cut in two disjoint parts that together cover it, with the indices each part took.</summary>
/// <typeparam name="T">The element type of the features.</typeparam>
/// <param name="Train">The training part.</param>
/// <param name="Validation">The validation part.</param>
/// <param name="TrainIndices">The source indices of <paramref name="Train"/>, ascending.</param>
/// <param name="ValidationIndices">The source indices of <paramref name="Validation"/>, ascending.</param>
public sealed record DataSplit<T>(LabeledData<T> Train, LabeledData<T> Validation, int[] TrainIndices, int[] ValidationIndices)
    where T : unmanaged;
