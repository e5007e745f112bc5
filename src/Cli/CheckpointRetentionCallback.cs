using Spindle.Trainers.Training;

namespace Spindle.Cli;

/// <summary>
/// Keeps the checkpoints of a run beside its <c>last.ckpt</c>: one per K epochs in <c>checkpoints/epoch-NNNN.ckpt</c>
/// (the most recent N of them, or all), and <c>best.ckpt</c>, the epoch with the lowest test loss so far (runs
/// without a per-epoch test evaluation have no best checkpoint). Add it after every other stateful callback so that
/// the checkpoints hold their state after the epoch.
/// </summary>
internal sealed class CheckpointRetentionCallback : TrainingCallback
{
    private readonly string _runFolder;
    private readonly int _every;
    private readonly int _keep;
    private readonly Action<string> _save;
    private double _bestLoss = double.PositiveInfinity;

    /// <summary>Initializes a new instance of the <see cref="CheckpointRetentionCallback"/> class.</summary>
    /// <param name="runFolder">The run folder.</param>
    /// <param name="every">Write an epoch checkpoint every this many epochs; 0 for none.</param>
    /// <param name="keep">Keep the most recent this many epoch checkpoints; 0 keeps all.</param>
    /// <param name="save">Writes a checkpoint of the trainer's current state to the path it is given.</param>
    public CheckpointRetentionCallback(string runFolder, int every, int keep, Action<string> save)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(every);
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        _runFolder = runFolder;
        _every = every;
        _keep = keep;
        _save = save;
    }

    /// <inheritdoc/>
    public override void OnTrainStart(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // A resumed run continues from last.ckpt: checkpoints of later epochs (written before a crash) belong to a
        // history that was lost, as do a best.ckpt of such an epoch. Drop them, as the metrics log drops its lines.
        var trained = context.History.Count;
        foreach (var epoch in RunFolder.EpochCheckpoints(_runFolder).Where(e => e > trained))
        {
            File.Delete(RunFolder.EpochCheckpoint(_runFolder, epoch));
        }

        var best = Path.Combine(_runFolder, RunFolder.BestCheckpointFile);
        if (File.Exists(best) && (trained == 0 || ReadEpoch(best) is not int e || e > trained))
        {
            File.Delete(best);
        }

        _bestLoss = context.History.Where(m => m.Test is not null && double.IsFinite(m.Test.Loss)).Select(m => m.Test!.Loss).DefaultIfEmpty(double.PositiveInfinity).Min();
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (_every > 0 && metrics.Epoch % _every == 0)
        {
            _save(RunFolder.EpochCheckpoint(_runFolder, metrics.Epoch));
            if (_keep > 0)
            {
                var kept = RunFolder.EpochCheckpoints(_runFolder);
                foreach (var old in kept.Take(Math.Max(0, kept.Count - _keep)))
                {
                    File.Delete(RunFolder.EpochCheckpoint(_runFolder, old));
                }
            }
        }

        if (metrics.Test is { } test && double.IsFinite(test.Loss) && test.Loss < _bestLoss)
        {
            _bestLoss = test.Loss;
            _save(Path.Combine(_runFolder, RunFolder.BestCheckpointFile));
        }
    }

    private static int? ReadEpoch(string path)
    {
        try
        {
            return CheckpointFile.ReadMetadata(path).Epoch;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
