using System.Globalization;
using System.Text.Json.Nodes;
using Spindle.Monitor.Checks;

namespace Spindle.Cli.Experiments;

/// <summary>One epoch of a recorded run: its evaluation and, in the monitor arm, its check.</summary>
/// <param name="Epoch">The epoch (0: before training).</param>
/// <param name="TestAccuracy">Accuracy on the fixed test subset.</param>
/// <param name="TestLoss">Loss on the fixed test subset.</param>
/// <param name="TrainLoss">Mean training loss of the epoch (null at epoch 0).</param>
/// <param name="ValidationLoss">Loss on the held-out 10% (validation arm only).</param>
/// <param name="TrainSeconds">Seconds of training in the epoch.</param>
/// <param name="CheckSeconds">Seconds of the check (monitor arm only).</param>
/// <param name="Check">The check (monitor arm only).</param>
internal sealed record RecordedEpoch(
    int Epoch,
    double TestAccuracy,
    double TestLoss,
    double? TrainLoss,
    double? ValidationLoss,
    double TrainSeconds,
    double? CheckSeconds,
    CheckResult? Check);

/// <summary>A recorded run of the early-stopping study, read back from its run folder.</summary>
/// <param name="Run">What the run is.</param>
/// <param name="Epochs">Every recorded epoch, in order, epoch 0 first.</param>
/// <param name="WallSeconds">Seconds the run took to record (training, evaluation and checks).</param>
internal sealed record RecordedRun(EarlyStoppingRun Run, IReadOnlyList<RecordedEpoch> Epochs, double WallSeconds)
{
    /// <summary>Gets the last epoch trained.</summary>
    public int LastEpoch => Epochs[^1].Epoch;

    /// <summary>Gets the record of an epoch.</summary>
    /// <param name="epoch">The epoch.</param>
    /// <returns>Its record.</returns>
    public RecordedEpoch At(int epoch) => Epochs.First(e => e.Epoch == epoch);

    /// <summary>Reads a complete run's records.</summary>
    /// <param name="runsFolder">The folder of run folders.</param>
    /// <param name="run">The run.</param>
    /// <returns>The records.</returns>
    /// <exception cref="InvalidDataException">A record cannot be read.</exception>
    public static RecordedRun Load(string runsFolder, EarlyStoppingRun run)
    {
        var folder = Path.Combine(runsFolder, run.Name);
        var epochs = new List<RecordedEpoch>();
        foreach (var line in EarlyStoppingRecorder.ReadEpochLines(folder))
        {
            var node = JsonNode.Parse(line) ?? throw new InvalidDataException($"{folder}: an empty epoch record.");
            var checkNode = node["check"];
            epochs.Add(new RecordedEpoch(
                Required(node, "epoch", folder).GetValue<int>(),
                Required(node, "testAccuracy", folder).GetValue<double>(),
                Required(node, "testLoss", folder).GetValue<double>(),
                node["trainLoss"]?.GetValue<double>(),
                node["validationLoss"]?.GetValue<double>(),
                node["trainSeconds"]?.GetValue<double>() ?? 0,
                node["checkSeconds"]?.GetValue<double>(),
                checkNode is null ? null : CheckResult.FromJson(checkNode.ToJsonString())));
        }

        if (epochs.Count < 2)
        {
            throw new InvalidDataException($"{folder}: fewer than two epoch records.");
        }

        var done = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, EarlyStoppingRecorder.DoneFile)));
        var wall = done?["wallSeconds"]?.GetValue<double>() ?? double.NaN;
        return new RecordedRun(run, epochs, wall);
    }

    private static JsonNode Required(JsonNode node, string name, string folder) =>
        node[name] ?? throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{folder}: an epoch record lacks '{name}'."));
}
