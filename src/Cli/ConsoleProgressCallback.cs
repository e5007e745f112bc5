using System.Globalization;
using Spectre.Console;
using Spindle.Trainers.Training;

namespace Spindle.Cli;

/// <summary>
/// Shows training progress: a live Spectre.Console progress bar per epoch on an interactive
/// terminal, or one plain line per epoch when the output is redirected.
/// </summary>
internal sealed class ConsoleProgressCallback : TrainingCallback
{
    private readonly ProgressContext? _progress;
    private readonly TextWriter _plain;
    private ProgressTask? _task;
    private double _lossSum;
    private int _seen;

    /// <summary>Initializes a new instance of the <see cref="ConsoleProgressCallback"/> class.</summary>
    /// <param name="progress">The live progress display, or null to print plain lines to <paramref name="plain"/>.</param>
    /// <param name="plain">Where plain lines go.</param>
    public ConsoleProgressCallback(ProgressContext? progress, TextWriter plain)
    {
        _progress = progress;
        _plain = plain;
    }

    public override void OnEpochStart(TrainingContext context, int epoch)
    {
        _lossSum = 0;
        _seen = 0;
        _task = _progress?.AddTask($"epoch {epoch,3}/{context.Epochs}", autoStart: true, maxValue: 1);
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

    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        var line = Describe(metrics, context.Epochs);
        if (_task is not null)
        {
            _task.Description = Markup.Escape(line);
            _task.StopTask();
        }
        else
        {
            _plain.WriteLine(line);
            _plain.Flush();
        }
    }

    /// <summary>Shows a line under the last epoch's row (for instance the interaction monitor's check).</summary>
    /// <param name="line">The line, plain text.</param>
    public void WriteNote(string line)
    {
        if (_task is not null)
        {
            _task.Description += "\n" + Markup.Escape("           " + line);
        }
        else
        {
            _plain.WriteLine("           " + line);
            _plain.Flush();
        }
    }

    internal static string Describe(EpochMetrics m, int epochs)
    {
        var test = m.Test is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"  test loss {m.Test.Loss:F4} acc {m.Test.Accuracy:F4}");
        return string.Create(CultureInfo.InvariantCulture, $"epoch {m.Epoch,3}/{epochs}  train loss {m.TrainLoss:F4} acc {m.TrainAccuracy:F4}{test}  {m.TrainSeconds + m.EvalSeconds:F1}s");
    }
}
