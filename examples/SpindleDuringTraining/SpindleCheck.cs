using System.Globalization;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Masking;
using Spindle.Trainers.Training;
using static TorchSharp.torch;

namespace Spindle.Examples;

/// <summary>
/// After every epoch, runs Spindle's check of the model's interactions on fixed probe samples and prints
/// the spindle (non-generalizable) and decay (generalizable) mass, with the spindle's bootstrap interval
/// over the probes and whether it rose significantly since the previous epoch, next to the test loss.
/// </summary>
internal sealed class SpindleCheck : TrainingCallback, IDisposable
{
    private readonly InteractionCheck _check;
    private CheckResult? _previous;

    /// <summary>Initializes a new instance of the <see cref="SpindleCheck"/> class.</summary>
    /// <param name="probes">The probe samples, batch first; copied and kept for the whole run.</param>
    /// <param name="labels">Their labels.</param>
    /// <param name="variables">The input variables and their masking.</param>
    public SpindleCheck(Tensor probes, long[] labels, InputVariables variables) =>
        _check = new InteractionCheck(variables, probes, labels);

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metrics);
        var result = _check.Run(context.Model, metrics.Epoch);
        if (result.Summary is not { } summary)
        {
            // Z (appendix K.3) is the mean strength of the salient first-order interactions; with none
            // (for instance right after initialisation) there is no scale to compare checks on.
            Console.WriteLine($"{metrics.Epoch,5}: no salient first-order interaction on the probes; spindle not computed.");
            return;
        }

        var interval = result.Uncertainty?.Interval(CheckMetric.SpindleMass);
        var rise = _previous?.Summary is not null && CheckComparison.Compare(_previous, result, CheckMetric.SpindleMass) is { IsSignificant: true, Difference: > 0 } ? " ↑" : string.Empty;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{metrics.Epoch,5} {metrics.TrainAccuracy,9:F4} {metrics.Test?.Loss,9:F4} {metrics.Test?.Accuracy,8:F4} {summary.SpindleMass,8:F3} [{interval?.Lower,5:F2}, {interval?.Upper,5:F2}]{rise,-2} {summary.DecayMass,6:F3} {result.CancellationMass,6:F3} {summary.RSquared,6:F3}"));
        _previous = result;
    }

    /// <inheritdoc/>
    public void Dispose() => _check.Dispose();
}
