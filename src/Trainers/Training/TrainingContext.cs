using Spindle.Monitor.EarlyStopping;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spindle.Trainers.Training;

/// <summary>What callbacks see of a running <see cref="Trainer"/>, and how they ask it to stop.</summary>
public sealed class TrainingContext
{
    private readonly List<EpochMetrics> _history;

    internal TrainingContext(nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer, Device device, int epochs, List<EpochMetrics> history)
    {
        Model = model;
        Optimizer = optimizer;
        Device = device;
        Epochs = epochs;
        _history = history;
    }

    /// <summary>Gets the model being trained.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>Gets the optimizer.</summary>
    public OptimizerHelper Optimizer { get; }

    /// <summary>Gets the device the model and batches live on.</summary>
    public Device Device { get; }

    /// <summary>Gets the last epoch the run will reach if nothing stops it.</summary>
    public int Epochs { get; }

    /// <summary>Gets the 1-based epoch in progress (or last finished, in <see cref="TrainingCallback.OnTrainEnd"/>); 0 before the first.</summary>
    public int Epoch { get; internal set; }

    /// <summary>Gets the metrics of every finished epoch, including those before a resume.</summary>
    public IReadOnlyList<EpochMetrics> History => _history;

    /// <summary>Gets the pending stop request, or <see cref="StopDecision.Continue"/>.</summary>
    public StopDecision StopRequest { get; private set; } = StopDecision.Continue;

    /// <summary>
    /// Asks the trainer to stop. A request made in <see cref="TrainingCallback.OnBatchEnd"/> ends the
    /// run after that step (the unfinished epoch is neither evaluated nor checkpointed); one made in
    /// <see cref="TrainingCallback.OnEpochEnd"/> ends it after that epoch's checkpoint. The first request wins.
    /// </summary>
    /// <param name="decision">A decision with <see cref="StopDecision.ShouldStop"/> set.</param>
    /// <exception cref="ArgumentException">The decision does not stop.</exception>
    public void RequestStop(StopDecision decision)
    {
        if (!decision.ShouldStop)
        {
            throw new ArgumentException("RequestStop needs a decision that stops; use StopDecision.Stop(reason, message).", nameof(decision));
        }

        if (!StopRequest.ShouldStop)
        {
            StopRequest = decision;
        }
    }
}
