namespace Spindle.Trainers.Training;

/// <summary>A model's metrics on a labelled split, in evaluation mode.</summary>
public sealed record EvaluationResult
{
    /// <summary>Gets the number of samples evaluated.</summary>
    public required int Count { get; init; }

    /// <summary>Gets the mean of the training loss function over the split.</summary>
    public required double Loss { get; init; }

    /// <summary>Gets the fraction classified correctly (ML.NET's micro accuracy).</summary>
    public required double Accuracy { get; init; }

    /// <summary>Gets the mean over classes of the per-class accuracy (ML.NET's macro accuracy).</summary>
    public required double MacroAccuracy { get; init; }

    /// <summary>Gets ML.NET's log-loss of the softmax probabilities (natural log).</summary>
    public required double LogLoss { get; init; }

    /// <summary>Gets the confusion matrix: <c>[true class][predicted class]</c> counts.</summary>
    public required int[][] ConfusionMatrix { get; init; }
}
