namespace Spindle.Trainers.Training;

/// <summary>Default values of <see cref="TrainerOptions"/>.</summary>
internal static class TrainerDefaults
{
    public const int Epochs = 10;
    public const int BatchSize = 64;
    public const int EvalBatchSize = 500;
    public const int Seed = 0;
    public const int CheckpointEvery = 1;
}
