namespace Spindle.Trainers.Data;

/// <summary>A dataset with label noise applied, and the record of which labels changed.</summary>
/// <typeparam name="T">The element type of the features.</typeparam>
/// <param name="Data">The dataset with the noisy labels (features shared with the source).</param>
/// <param name="Record">Which labels changed, from what, to what.</param>
public sealed record LabelNoiseResult<T>(LabeledData<T> Data, LabelNoiseRecord Record)
    where T : unmanaged;
