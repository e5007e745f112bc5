namespace Spindle.Trainers.Training;

/// <summary>What one training step did, as host values.</summary>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="Batch">The 0-based batch index inside the epoch.</param>
/// <param name="BatchCount">The number of batches in the epoch.</param>
/// <param name="Size">The number of samples in the batch.</param>
/// <param name="Loss">The batch's mean training loss.</param>
/// <param name="Correct">How many of the batch's samples the model (in training mode, before the step) classified correctly.</param>
public readonly record struct BatchResult(int Epoch, int Batch, int BatchCount, int Size, double Loss, int Correct);
