namespace Spindle.Tools.SignalSeries;

/// <summary>One line of <c>epochs.jsonl</c>: an epoch's metrics and what its extractions cost.</summary>
/// <param name="Epoch">The epoch, 0 for the untrained model.</param>
/// <param name="TrainLoss">The training loss: for epochs >= 1 the mean over the epoch's steps (train mode, noisy labels); for epoch 0 an evaluation of the whole training split.</param>
/// <param name="TrainAccuracy">The training accuracy, measured as <paramref name="TrainLoss"/> is.</param>
/// <param name="TestLoss">The cross-entropy on the 1,000 test images.</param>
/// <param name="TestAccuracy">The accuracy on the 1,000 test images.</param>
/// <param name="TrainSeconds">The seconds of training steps (0 for epoch 0).</param>
/// <param name="EvalSeconds">The seconds of the test evaluation.</param>
/// <param name="InputExtractionSeconds">The seconds of the input-patch extraction (masked passes and solver).</param>
/// <param name="FeatureExtractionSeconds">The seconds of the feature-map extraction, or null when none is recorded.</param>
/// <param name="InputNormalization">Z of the input-patch extraction (0: no salient first-order interaction).</param>
/// <param name="FeatureNormalization">Z of the feature-map extraction, or null.</param>
internal sealed record EpochRecord(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double TestLoss,
    double TestAccuracy,
    double TrainSeconds,
    double EvalSeconds,
    double InputExtractionSeconds,
    double? FeatureExtractionSeconds,
    double InputNormalization,
    double? FeatureNormalization);
