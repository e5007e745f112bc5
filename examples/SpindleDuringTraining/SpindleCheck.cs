using System.Globalization;
using Spindle.Monitor;
using Spindle.Monitor.Decomposition;
using Spindle.Monitor.Masking;
using Spindle.Trainers.Training;
using static TorchSharp.torch;

namespace Spindle.Examples;

/// <summary>
/// After every epoch, extracts the model's interactions on fixed probe samples and prints the spindle
/// (non-generalizable) and decay (generalizable) mass next to the test loss.
/// </summary>
internal sealed class SpindleCheck : TrainingCallback, IDisposable
{
    private readonly Tensor _probes;
    private readonly long[] _labels;
    private readonly InputVariables _variables;
    private readonly InteractionExtractor _extractor = new();

    /// <summary>Initializes a new instance of the <see cref="SpindleCheck"/> class.</summary>
    /// <param name="probes">The probe samples, batch first; kept for the whole run.</param>
    /// <param name="labels">Their labels.</param>
    /// <param name="variables">The input variables and their masking.</param>
    public SpindleCheck(Tensor probes, long[] labels, InputVariables variables)
    {
        _probes = probes.DetachFromDisposeScope();
        _labels = labels;
        _variables = variables;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metrics);
        var extraction = _extractor.Extract(context.Model, _variables, _probes, _labels);
        if (extraction.Normalization == 0)
        {
            // Z (appendix K.3) is the mean strength of the salient first-order interactions; with none
            // (for instance right after initialisation) there is no scale to compare checks on.
            Console.WriteLine($"{metrics.Epoch,5}: no salient first-order interaction on the probes; spindle not computed.");
            return;
        }

        var fit = DecompositionFitter.FitInteractions(
            extraction.Samples.Select(s => s.And).ToList(), extraction.Samples.Select(s => s.Or).ToList(), extraction.Tau);
        var summary = fit.Summarize(extraction.Normalization);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{metrics.Epoch,5} {metrics.TrainAccuracy,9:F4} {metrics.Test?.Loss,9:F4} {metrics.Test?.Accuracy,8:F4} {summary.SpindleMass,8:F3} {summary.DecayMass,8:F3} {summary.RSquared,6:F3}"));
    }

    /// <inheritdoc/>
    public void Dispose() => _probes.Dispose();
}
