using System.Globalization;
using Spindle.Monitor.Masking;
using Spindle.Monitor.Monitoring;
using Spindle.Trainers.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Examples;

/// <summary>An ordinary TorchSharp loop over the embedded Fashion-MNIST subset, with Spindle's monitor added.</summary>
public static class ExistingLoop
{
    /// <summary>
    /// Trains a small CNN with 10% flipped labels, checking its interactions after each epoch that the monitor's check
    /// budget allows (by default checks take at most about 10% of the loop's time).
    /// </summary>
    /// <param name="epochs">The most epochs to train.</param>
    /// <param name="trainCount">How many of the 4,000 embedded training images to use.</param>
    /// <param name="runFolder">Where the monitor writes <c>monitor.jsonl</c>.</param>
    /// <param name="output">Where the per-epoch lines go.</param>
    /// <returns>How many epochs ran, the log's path, why training stopped and how many checks the budget skipped.</returns>
    public static (int Epochs, string LogPath, string StopMessage, int SkippedChecks) Run(int epochs, int trainCount, string runFolder, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var data = EmbeddedFashionMnist.Load(PixelNormalization.FashionMnist);
        var train = data.Train.Select([.. Enumerable.Range(0, trainCount)]);
        var noise = LabelNoise.Apply(train, fraction: 0.1, seed: 0);
        var noisy = noise.Data;
        var flipped = noise.Record.Indices.ToHashSet();

        torch.random.manual_seed(0);
        using var model = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 7 * 7, 256), nn.ReLU(), nn.Linear(256, 10));
        using var optimizer = torch.optim.Adam(model.parameters(), 1e-3);
        var random = new Random(0);

        // Spindle: 12 probes, the first training images whose labels were not flipped; n = 8 patches of a 4x4 grid.
        var (probes, probeLabels) = train.Batch([.. Enumerable.Range(0, trainCount).Where(i => !flipped.Contains(i)).Take(12)]);
        var variables = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.RandomCentral(8, seed: 0, margin: 0)); // Spindle
        using var monitor = new InteractionMonitor(model, variables, probes, probeLabels.data<long>().ToArray(), new MonitorOptions { RunFolder = runFolder }); // Spindle

        var epoch = 0;
        while (epoch < epochs)
        {
            epoch++;
            model.train();
            var order = Enumerable.Range(0, noisy.Count).OrderBy(_ => random.Next()).ToArray();
            double lossSum = 0;
            for (var start = 0; start < order.Length; start += 64)
            {
                using var scope = torch.NewDisposeScope();
                var (x, y) = noisy.Batch(order.AsSpan(start, Math.Min(64, order.Length - start)));
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.call(x), y);
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>() * y.shape[0];
            }

            var decision = monitor.OnEpochEnd(epoch); // Spindle: check, log, early-stopping decision
            var checkLine = monitor.LastRecord?.Epoch == epoch ? monitor.LastRecord.Describe() : "no check (budget)"; // Spindle: the check's line
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch,3}  train loss {lossSum / noisy.Count:F4}  {checkLine}"));
            if (decision.ShouldStop)
            {
                break; // Spindle: obey the early-stopping rule
            }
        }

        probes.Dispose();
        probeLabels.Dispose();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"checks: {monitor.Checks}, {monitor.CheckSeconds:F1} s, {monitor.Overhead:P0} of the loop's {monitor.LoopSeconds:F1} s; {monitor.SkippedChecks} skipped by the budget."));
        return (epoch, monitor.LogPath!, monitor.RuleDecision.ShouldStop ? monitor.RuleDecision.Message : "ran every epoch.", monitor.SkippedChecks);
    }
}
