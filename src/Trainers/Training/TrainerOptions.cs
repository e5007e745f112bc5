using System.ComponentModel.DataAnnotations;
using static TorchSharp.torch;

namespace Spindle.Trainers.Training;

/// <summary>Options of a <see cref="Trainer"/>. The trainer copies them; later changes do not affect it.</summary>
public sealed class TrainerOptions
{
    /// <summary>Gets or sets the last epoch to train to (1-based, counting epochs before a resume).</summary>
    /// <value>The default value is 10.</value>
    [Range(1, int.MaxValue)]
    public int Epochs { get; set; } = TrainerDefaults.Epochs;

    /// <summary>Gets or sets the number of samples per training step (the last batch of an epoch may be smaller).</summary>
    /// <value>The default value is 64.</value>
    [Range(1, int.MaxValue)]
    public int BatchSize { get; set; } = TrainerDefaults.BatchSize;

    /// <summary>Gets or sets the number of samples per forward pass when evaluating.</summary>
    /// <value>The default value is 500.</value>
    [Range(1, int.MaxValue)]
    public int EvalBatchSize { get; set; } = TrainerDefaults.EvalBatchSize;

    /// <summary>
    /// Gets or sets the seed of the shuffle order (epoch e's order is a function of the seed and e) and,
    /// when <see cref="SeedTorch"/> is set, of TorchSharp's global generator at the start of a fresh run.
    /// </summary>
    /// <value>The default value is 0.</value>
    public int Seed { get; set; } = TrainerDefaults.Seed;

    /// <summary>Gets or sets a value indicating whether a fresh (not resumed) run calls <c>torch.random.manual_seed(Seed)</c> first.</summary>
    /// <value>The default value is true.</value>
    public bool SeedTorch { get; set; } = true;

    /// <summary>Gets or sets the device of the model and batches; the model and optimizer must already be there.</summary>
    /// <value>The default value is null: the CPU.</value>
    public Device? Device { get; set; }

    /// <summary>Gets or sets the checkpoint file written after finished epochs, or null for none.</summary>
    /// <value>The default value is null.</value>
    public string? CheckpointPath { get; set; }

    /// <summary>Gets or sets how many epochs pass between checkpoints (the last epoch of a run is always written).</summary>
    /// <value>The default value is 1.</value>
    [Range(1, int.MaxValue)]
    public int CheckpointEvery { get; set; } = TrainerDefaults.CheckpointEvery;

    /// <summary>Gets or sets a cap on the training steps per epoch (for benchmarks and smoke runs), or null for whole epochs.</summary>
    /// <value>The default value is null.</value>
    public int? MaxBatchesPerEpoch { get; set; }

    /// <summary>Returns a validated copy.</summary>
    /// <returns>The copy.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    internal TrainerOptions ValidatedCopy()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(EvalBatchSize, 1, nameof(EvalBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckpointEvery, 1, nameof(CheckpointEvery));
        if (MaxBatchesPerEpoch is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchesPerEpoch), MaxBatchesPerEpoch, "MaxBatchesPerEpoch must be at least 1 when set.");
        }

        return (TrainerOptions)MemberwiseClone();
    }
}
