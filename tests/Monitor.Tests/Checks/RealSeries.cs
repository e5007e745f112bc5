using System.IO.Compression;
using System.Text.Json;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Interactions;

namespace Spindle.Monitor.Tests.Checks;

/// <summary>A recorded training run: per-epoch extractions on fixed probes and the epoch metrics (tools/SignalSeries).</summary>
internal sealed class RealSeries
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private RealSeries(string name, IReadOnlyList<InteractionExtraction> extractions, IReadOnlyList<EpochRecord> epochs)
    {
        Name = name;
        Extractions = extractions;
        Epochs = epochs;
    }

    public string Name { get; }

    /// <summary>Gets one extraction per epoch, epoch 0 (before training) first.</summary>
    public IReadOnlyList<InteractionExtraction> Extractions { get; }

    public IReadOnlyList<EpochRecord> Epochs { get; }

    /// <summary>Reads <c>{kind}-e{epoch:D3}.json.gz</c> and <c>epochs.jsonl</c> from a run folder.</summary>
    /// <param name="folder">The run folder.</param>
    /// <param name="kind"><c>input</c> or <c>feature</c>.</param>
    public static RealSeries Load(string folder, string kind)
    {
        var epochs = File.ReadAllLines(Path.Combine(folder, "epochs.jsonl"))
            .Where(l => l.Length > 0)
            .Select(l => JsonSerializer.Deserialize<EpochRecord>(l, JsonOptions)!)
            .OrderBy(e => e.Epoch)
            .ToArray();
        var extractions = epochs.Select(e =>
        {
            using var file = File.OpenRead(Path.Combine(folder, $"{kind}-e{e.Epoch:D3}.json.gz"));
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new StreamReader(gzip);
            return InteractionExtraction.FromJson(reader.ReadToEnd());
        }).ToArray();
        return new RealSeries($"{Path.GetFileName(folder)}/{kind}", extractions, epochs);
    }

    /// <summary>Runs the check's analysis on every epoch, as one <see cref="InteractionCheck"/> would have during the run.</summary>
    /// <param name="options">The check options.</param>
    /// <param name="firstEpoch">The first epoch to check (the calibration of a held δ happens there).</param>
    public IReadOnlyList<CheckResult> Analyze(InteractionCheckOptions options, int firstEpoch = 1) => InteractionCheck.AnalyzeSeries(Extractions.Skip(firstEpoch).ToArray(), options);

    internal sealed record EpochRecord(int Epoch, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy);
}
