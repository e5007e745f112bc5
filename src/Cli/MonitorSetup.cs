using System.Globalization;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Masking;
using Spindle.Monitor.Monitoring;
using Spindle.Trainers.Data;
using Spindle.Trainers.Training;

namespace Spindle.Cli;

/// <summary>
/// The interaction monitor of <c>spindle train --monitor</c> and <c>spindle demo</c>: 12 probes (the first training
/// samples whose labels were not flipped), n = 8 input patches of a 4x4 grid, a check after every epoch, logged to
/// <c>monitor.jsonl</c> in the run folder, with the default early-stopping rule (advisory unless --monitor-stop).
/// </summary>
internal static class MonitorSetup
{
    /// <summary>The number of probe samples.</summary>
    public const int ProbeCount = 12;

    /// <summary>Builds the monitor callback for a run.</summary>
    /// <typeparam name="T">The feature element type (images: float).</typeparam>
    /// <param name="train">The training split, after subset and label noise.</param>
    /// <param name="settings">The run's settings.</param>
    /// <param name="runFolder">The run folder (its label-noise.json says which labels were flipped).</param>
    /// <param name="print">Prints the per-check line under the epoch row.</param>
    /// <returns>The callback.</returns>
    public static InteractionMonitorCallback Create<T>(LabeledData<T> train, TrainSettings settings, string runFolder, Action<string> print)
        where T : unmanaged
    {
        var noisePath = Path.Combine(runFolder, TrainingRunner.NoiseFile);
        var flipped = settings.LabelNoise > 0 && File.Exists(noisePath) ? LabelNoiseRecord.Load(noisePath).Indices.ToHashSet() : [];
        int[] indices = [.. Enumerable.Range(0, train.Count).Where(i => !flipped.Contains(i)).Take(ProbeCount)];
        var variables = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.RandomCentral(8, seed: 0, margin: 0));
        var (probes, labels) = train.Batch(indices);
        using (probes)
        using (labels)
        {
            var options = new MonitorOptions { RunFolder = runFolder, StopTraining = settings.MonitorStop, CheckEvery = settings.MonitorEvery, CheckBudget = settings.MonitorBudget };
            var provenance = new CheckProvenance
            {
                Model = settings.Model,
                Split = "train",
                SampleIndices = indices,
                Variables = "input patches 4x4, n = 8",
                VariableSeed = 0,
                Masking = "input",
            };
            return new InteractionMonitorCallback(variables, probes, labels.data<long>().ToArray(), options, provenance, record => print(record.Describe()));
        }
    }

    private static string Every(TrainSettings settings) =>
        (settings.MonitorEvery == 1 ? "every epoch" : string.Create(CultureInfo.InvariantCulture, $"every {settings.MonitorEvery} epochs"))
        + (settings.MonitorBudget is { } budget ? string.Create(CultureInfo.InvariantCulture, $" within {budget * 100:0.#}% of the loop's time") : string.Empty);

    /// <summary>Describes the rule for the run header.</summary>
    /// <param name="settings">The run's settings.</param>
    /// <returns>One line.</returns>
    public static string Describe(TrainSettings settings) => string.Create(
        CultureInfo.InvariantCulture,
        $"Interaction monitor: {ProbeCount} probes, 8 of 4x4 input patches, {Every(settings)}, log {InteractionMonitor.LogFileName}; early stopping (slope of the last 8 checks' cancellation mass above 5% of their mean for 2 checks) {(settings.MonitorStop ? "stops training" : "advisory")}.");
}
