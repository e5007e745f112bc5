namespace Spindle.Trainers.Training;

/// <summary>One epoch's metrics: training loss and accuracy, and the evaluation on the test split when there is one.</summary>
public sealed record EpochMetrics
{
    /// <summary>Gets the 1-based epoch.</summary>
    public required int Epoch { get; init; }

    /// <summary>Gets the mean training loss over the epoch's samples (training mode, before each step).</summary>
    public required double TrainLoss { get; init; }

    /// <summary>Gets the fraction of the epoch's training samples classified correctly (training mode, before each step).</summary>
    public required double TrainAccuracy { get; init; }

    /// <summary>Gets the evaluation on the test split after the epoch, or null without a test split.</summary>
    public EvaluationResult? Test { get; init; }

    /// <summary>Gets the wall-clock seconds spent on the epoch's training steps.</summary>
    public required double TrainSeconds { get; init; }

    /// <summary>Gets the wall-clock seconds spent evaluating after the epoch.</summary>
    public double EvalSeconds { get; init; }
}
