namespace Spindle.Trainers.Data;

/// <summary>The training and test splits of a dataset.</summary>
/// <typeparam name="T">The element type of the features.</typeparam>
/// <param name="Train">The training split.</param>
/// <param name="Test">The test split.</param>
public sealed record TrainTestData<T>(LabeledData<T> Train, LabeledData<T> Test)
    where T : unmanaged;
