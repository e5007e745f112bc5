using System.Text.Json.Nodes;
using Spindle.Monitor.EarlyStopping;
using Spindle.Trainers.Training;
using TorchSharp;

namespace Spindle.Trainers.Tests.Training;

/// <summary>Records every hook call, optionally stops, and keeps a batch counter as checkpointable state.</summary>
internal sealed class RecordingCallback : TrainingCallback
{
    public List<string> Events { get; } = [];

    public List<long> LiveTensorsAtEpochEnd { get; } = [];

    public int BatchesSeen { get; private set; }

    public int? LoadedBatchesSeen { get; private set; }

    public (int Epoch, int Batch)? StopAtBatch { get; init; }

    public int? StopAtEpochEnd { get; init; }

    public Action<int>? OnEpochStarting { get; init; }

    public override void OnTrainStart(TrainingContext context) => Events.Add("train-start");

    public override void OnEpochStart(TrainingContext context, int epoch)
    {
        Events.Add($"epoch-start {epoch}");
        OnEpochStarting?.Invoke(epoch);
    }

    public override void OnBatchEnd(TrainingContext context, BatchResult batch)
    {
        BatchesSeen++;
        Events.Add($"batch {batch.Epoch}.{batch.Batch}");
        if (StopAtBatch == (batch.Epoch, batch.Batch))
        {
            context.RequestStop(StopDecision.Stop(StopReason.Requested, "test stop at batch"));
        }
    }

    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        Events.Add($"epoch-end {metrics.Epoch}");
        LiveTensorsAtEpochEnd.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        if (StopAtEpochEnd == metrics.Epoch)
        {
            context.RequestStop(StopDecision.Stop(StopReason.EarlyStopping, "test stop at epoch end"));
        }
    }

    public override void OnTrainEnd(TrainingContext context, TrainingResult result) => Events.Add($"train-end {result.Decision.Reason}");

    public override JsonNode? GetState() => new JsonObject { ["batchesSeen"] = BatchesSeen };

    public override void LoadState(JsonNode state)
    {
        BatchesSeen = state["batchesSeen"]!.GetValue<int>();
        LoadedBatchesSeen = BatchesSeen;
    }
}
