using Spindle.Monitor.EarlyStopping;

namespace Spindle.Trainers.Training;

/// <summary>How a <see cref="Trainer"/> run ended.</summary>
/// <param name="Decision">Why it stopped (<see cref="StopReason.Completed"/> when every epoch ran).</param>
/// <param name="CompletedEpochs">The number of finished epochs, including those before a resume.</param>
/// <param name="History">The metrics of every finished epoch.</param>
public sealed record TrainingResult(StopDecision Decision, int CompletedEpochs, IReadOnlyList<EpochMetrics> History);
