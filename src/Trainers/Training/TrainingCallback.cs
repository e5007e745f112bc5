using System.Text.Json.Nodes;

namespace Spindle.Trainers.Training;

/// <summary>
/// Hooks into a <see cref="Trainer"/> run. Every hook is a no-op unless overridden; a hook asks the
/// trainer to stop through <see cref="TrainingContext.RequestStop"/>.
/// </summary>
/// <remarks>
/// Order in one run: <see cref="OnTrainStart"/>; then per epoch <see cref="OnEpochStart"/>,
/// <see cref="OnBatchEnd"/> once per training step, <see cref="OnEpochEnd"/> after the evaluation;
/// finally <see cref="OnTrainEnd"/>, also when a callback or cancellation stopped the run.
/// Callbacks run in the order of <see cref="Trainer.Callbacks"/>. Keep host values (doubles) in
/// callback state, never tensors.
/// </remarks>
public abstract class TrainingCallback
{
    /// <summary>Gets the key under which a checkpoint stores this callback's state.</summary>
    /// <value>The default value is the callback's full type name.</value>
    public virtual string StateKey => GetType().FullName ?? GetType().Name;

    /// <summary>Called once before the first epoch of a run (also of a resumed run).</summary>
    /// <param name="context">The run's context.</param>
    public virtual void OnTrainStart(TrainingContext context)
    {
    }

    /// <summary>Called before each epoch's first training step.</summary>
    /// <param name="context">The run's context.</param>
    /// <param name="epoch">The 1-based epoch about to run.</param>
    public virtual void OnEpochStart(TrainingContext context, int epoch)
    {
    }

    /// <summary>Called after each training step.</summary>
    /// <param name="context">The run's context.</param>
    /// <param name="batch">What the step did.</param>
    public virtual void OnBatchEnd(TrainingContext context, BatchResult batch)
    {
    }

    /// <summary>Called after each complete epoch and its evaluation, before the checkpoint is written.</summary>
    /// <param name="context">The run's context.</param>
    /// <param name="metrics">The epoch's metrics (already appended to <see cref="TrainingContext.History"/>).</param>
    public virtual void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
    }

    /// <summary>Called once when the run ends, however it ends.</summary>
    /// <param name="context">The run's context.</param>
    /// <param name="result">How the run ended.</param>
    public virtual void OnTrainEnd(TrainingContext context, TrainingResult result)
    {
    }

    /// <summary>Gets the state to store in a checkpoint, or null for a stateless callback.</summary>
    /// <returns>A JSON value that <see cref="LoadState"/> understands, or null.</returns>
    public virtual JsonNode? GetState() => null;

    /// <summary>Restores the state <see cref="GetState"/> returned, when a run resumes from a checkpoint.</summary>
    /// <param name="state">The stored state.</param>
    public virtual void LoadState(JsonNode state)
    {
    }
}
