using System.Globalization;
using Spectre.Console;
using Spindle.Trainers.Training;

namespace Spindle.Cli;

/// <summary>
/// Shows training progress: on an interactive terminal a live Spectre.Console progress bar for the running epoch,
/// with each finished epoch printed above it as one line (at most 80 characters, so it does not wrap on an
/// 80-column terminal); with the output redirected, one plain line per epoch.
/// </summary>
internal sealed class ConsoleProgressCallback : TrainingCallback
{
    private readonly ProgressContext? _progress;
    private readonly IAnsiConsole? _live;
    private readonly TextWriter _plain;
    private ProgressTask? _task;
    private double _lossSum;
    private int _seen;

    /// <summary>Initializes a new instance of the <see cref="ConsoleProgressCallback"/> class.</summary>
    /// <param name="progress">The live progress display (from <see cref="CreateProgress"/> on <paramref name="live"/>), or null to print plain lines to <paramref name="plain"/>.</param>
    /// <param name="live">The console of the live display; finished epochs are written to it, above the bar.</param>
    /// <param name="plain">Where plain lines go.</param>
    public ConsoleProgressCallback(ProgressContext? progress, IAnsiConsole? live, TextWriter plain)
    {
        _progress = progress;
        _live = progress is null ? null : live ?? throw new ArgumentNullException(nameof(live));
        _plain = plain;
    }

    /// <summary>The live display: one bar for the running epoch, removed when the epoch ends.</summary>
    /// <param name="console">The console.</param>
    /// <returns>The progress display, not started.</returns>
    public static Progress CreateProgress(IAnsiConsole console) => console.Progress()
        .AutoClear(true)
        .HideCompleted(true)
        .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 20 }, new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn());

    public override void OnEpochStart(TrainingContext context, int epoch)
    {
        _lossSum = 0;
        _seen = 0;
        _task = _progress?.AddTask(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch,3}/{context.Epochs}"), autoStart: true, maxValue: 1);
    }

    public override void OnBatchEnd(TrainingContext context, BatchResult batch)
    {
        _lossSum += batch.Loss * batch.Size;
        _seen += batch.Size;
        if (_task is not null)
        {
            _task.MaxValue = batch.BatchCount;
            _task.Value = batch.Batch + 1;
            _task.Description = string.Create(CultureInfo.InvariantCulture, $"epoch {batch.Epoch,3}/{context.Epochs}  loss {_lossSum / _seen:F4}");
        }
    }

    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics) => WriteLine(Describe(metrics, context.Epochs), finishesEpoch: true);

    public override void OnTrainEnd(TrainingContext context, TrainingResult result)
    {
        // An epoch abandoned by a stop request or Ctrl-C leaves its bar: take it down.
        _task?.StopTask();
        _task = null;
    }

    /// <summary>Shows a line under the last epoch's row (for instance the interaction monitor's check).</summary>
    /// <param name="line">The line, plain text.</param>
    public void WriteNote(string line) => WriteLine("  " + line, finishesEpoch: false);

    internal static string Describe(EpochMetrics m, int epochs)
    {
        var test = m.Test is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"  test loss {m.Test.Loss:F4} acc {m.Test.Accuracy:F4}");
        return string.Create(CultureInfo.InvariantCulture, $"epoch {m.Epoch,3}/{epochs}  train loss {m.TrainLoss:F4} acc {m.TrainAccuracy:F4}{test}  {m.TrainSeconds + m.EvalSeconds:F1}s");
    }

    private void WriteLine(string line, bool finishesEpoch)
    {
        if (_live is null)
        {
            _plain.WriteLine(line);
            _plain.Flush();
            return;
        }

        if (finishesEpoch && _task is not null)
        {
            _task.StopTask();
            _task = null;
        }

        // Written through the live display's console, the line goes above the bar and stays when the bar is gone.
        _live.WriteLine(line);
    }
}
