using System.Diagnostics;
using System.Text.Json.Nodes;
using Spindle.Monitor.EarlyStopping;
using Spindle.Trainers.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spindle.Trainers.Training;

/// <summary>
/// Trains a classifier on a <see cref="LabeledData{T}"/> split with a TorchSharp optimizer: seeded
/// shuffling, one dispose scope per step, evaluation after each epoch, callbacks, checkpoints and resume.
/// </summary>
/// <example>
/// <code>
/// var trainer = new Trainer(model, torch.optim.Adam(model.parameters(), 1e-3), new TrainerOptions { Epochs = 20 });
/// trainer.Callbacks.Add(myCallback);
/// var result = trainer.Fit(train, test);
/// </code>
/// </example>
public sealed class Trainer
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly OptimizerHelper _optimizer;
    private readonly Func<Tensor, Tensor, Tensor> _loss;
    private readonly TrainerOptions _options;
    private readonly Device _device;
    private readonly Evaluator _evaluator;
    private readonly List<EpochMetrics> _history = [];
    private IReadOnlyDictionary<string, JsonNode?>? _pendingCallbackStates;
    private int _seed;
    private int _resumedTrainCount = -1;

    /// <summary>Initializes a new instance of the <see cref="Trainer"/> class.</summary>
    /// <param name="model">The classifier, returning logits [batch, classes]; already on the options' device.</param>
    /// <param name="optimizer">The optimizer over the model's parameters (any TorchSharp managed optimizer: Adam, SGD, ...).</param>
    /// <param name="options">The options; defaults when null. They are copied.</param>
    /// <param name="loss">The loss of (logits, int64 labels) with mean reduction; cross-entropy when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public Trainer(nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer, TrainerOptions? options = null, Func<Tensor, Tensor, Tensor>? loss = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        _model = model;
        _optimizer = optimizer;
        _options = (options ?? new TrainerOptions()).ValidatedCopy();
        _device = _options.Device ?? torch.CPU;
        _loss = loss ?? Evaluator.DefaultLoss;
        _evaluator = new Evaluator(_options.EvalBatchSize, _device, _loss);
        _seed = _options.Seed;
    }

    /// <summary>Gets the callbacks, run in list order. Add them before <see cref="Fit{T}"/>.</summary>
    public IList<TrainingCallback> Callbacks { get; } = new List<TrainingCallback>();

    /// <summary>
    /// Gets or sets a term added to the loss of every training step, computed from the model and the batch (for example the
    /// interaction regularizer of <c>Spindle.Regularizer</c>), or <see langword="null"/> for none.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    /// <remarks>
    /// The term runs after the forward pass and before <c>backward()</c>, inside the step's dispose scope. It returns a
    /// scalar tensor to add to the loss, or <see langword="null"/> to add nothing at this step. The training loss the
    /// trainer reports stays the plain loss; a non-finite sum stops the run as diverged.
    /// </remarks>
    public Func<TrainingStep, Tensor?>? LossTerm { get; set; }

    /// <summary>Gets the number of finished epochs (including those restored from a checkpoint).</summary>
    public int CompletedEpochs => _history.Count;

    /// <summary>Gets the metrics of every finished epoch.</summary>
    public IReadOnlyList<EpochMetrics> History => _history;

    /// <summary>
    /// Restores the model, optimizer, TorchSharp's CPU generator, shuffle seed, history and (at the
    /// next <see cref="Fit{T}"/>) callback states from a checkpoint; the next fit continues with the epoch after it.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <returns>The checkpoint's metadata.</returns>
    /// <exception cref="InvalidDataException">The file is not a checkpoint of this model.</exception>
    public CheckpointMetadata ResumeFrom(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var metadata = CheckpointFile.Read(path, _model, _optimizer);
        _history.Clear();
        _history.AddRange(metadata.History);
        _seed = metadata.Seed;
        _resumedTrainCount = metadata.TrainCount;
        _pendingCallbackStates = metadata.CallbackStates;
        return metadata;
    }

    /// <summary>Writes a checkpoint of the current state.</summary>
    /// <param name="path">The checkpoint file (written to a temporary name, then moved).</param>
    /// <param name="trainCount">The number of training samples, checked on resume.</param>
    public void SaveCheckpoint(string path, int trainCount)
    {
        ArgumentNullException.ThrowIfNull(path);
        var states = new Dictionary<string, JsonNode?>();
        foreach (var callback in Callbacks)
        {
            var state = callback.GetState();
            if (state is not null)
            {
                states[callback.StateKey] = state;
            }
        }

        var metadata = new CheckpointMetadata
        {
            FormatVersion = CheckpointFile.FormatVersion,
            Epoch = _history.Count,
            Seed = _seed,
            TrainCount = trainCount,
            ModelType = _model.GetType().FullName ?? _model.GetType().Name,
            History = [.. _history],
            CallbackStates = states,
        };
        CheckpointFile.Write(path, metadata, _model, _optimizer);
    }

    /// <summary>Trains until <see cref="TrainerOptions.Epochs"/> epochs are finished or something stops the run.</summary>
    /// <typeparam name="T">The feature element type.</typeparam>
    /// <param name="train">The training split.</param>
    /// <param name="test">The split evaluated after each epoch, or null.</param>
    /// <param name="cancellationToken">Stops the run after the current step.</param>
    /// <returns>How the run ended.</returns>
    /// <exception cref="ArgumentException">The training split is empty or differs in size from the checkpoint's.</exception>
    public TrainingResult Fit<T>(LabeledData<T> train, LabeledData<T>? test = null, CancellationToken cancellationToken = default)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count == 0)
        {
            throw new ArgumentException($"{train.Name}: cannot train on an empty split.", nameof(train));
        }

        if (_resumedTrainCount >= 0 && _resumedTrainCount != train.Count)
        {
            throw new ArgumentException(
                $"{train.Name}: the checkpoint was trained on {_resumedTrainCount} samples, this split has {train.Count}; the shuffle order would differ.",
                nameof(train));
        }

        if (_history.Count == 0 && _options.SeedTorch)
        {
            torch.random.manual_seed(_seed);
        }

        ApplyPendingCallbackStates();
        var context = new TrainingContext(_model, _optimizer, _device, _options.Epochs, _history) { Epoch = _history.Count };
        foreach (var callback in Callbacks)
        {
            callback.OnTrainStart(context);
        }

        var decision = context.StopRequest;
        for (var epoch = _history.Count + 1; epoch <= _options.Epochs && !decision.ShouldStop; epoch++)
        {
            context.Epoch = epoch;
            foreach (var callback in Callbacks)
            {
                callback.OnEpochStart(context, epoch);
            }

            decision = context.StopRequest;
            if (decision.ShouldStop)
            {
                break;
            }

            var (trained, stop) = TrainEpoch(train, epoch, context, cancellationToken);
            decision = stop;
            if (decision.ShouldStop)
            {
                break;
            }

            var evalClock = Stopwatch.StartNew();
            var evaluation = test is null ? null : _evaluator.Evaluate(_model, test);
            var metrics = trained! with { Test = evaluation, EvalSeconds = test is null ? 0 : evalClock.Elapsed.TotalSeconds };
            _history.Add(metrics);
            foreach (var callback in Callbacks)
            {
                callback.OnEpochEnd(context, metrics);
            }

            decision = context.StopRequest;
            var last = decision.ShouldStop || epoch == _options.Epochs;
            if (_options.CheckpointPath is not null && (last || epoch % _options.CheckpointEvery == 0))
            {
                SaveCheckpoint(_options.CheckpointPath, train.Count);
            }
        }

        if (!decision.ShouldStop)
        {
            decision = StopDecision.Stop(StopReason.Completed, $"Finished {_history.Count} of {_options.Epochs} epochs.");
        }

        var result = new TrainingResult(decision, _history.Count, [.. _history]);
        foreach (var callback in Callbacks)
        {
            callback.OnTrainEnd(context, result);
        }

        return result;
    }

    private (EpochMetrics? Metrics, StopDecision Decision) TrainEpoch<T>(LabeledData<T> train, int epoch, TrainingContext context, CancellationToken cancellationToken)
        where T : unmanaged
    {
        var order = ShuffleOrder.Permutation(train.Count, _seed, epoch);
        var batchSize = _options.BatchSize;
        var batchCount = (train.Count + batchSize - 1) / batchSize;
        if (_options.MaxBatchesPerEpoch is int cap)
        {
            batchCount = Math.Min(batchCount, cap);
        }

        _model.train();
        var clock = Stopwatch.StartNew();
        double lossSum = 0;
        long correct = 0;
        var seen = 0;
        for (var b = 0; b < batchCount; b++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return (null, StopDecision.Stop(StopReason.Cancelled, $"Cancelled during epoch {epoch}, after {b} of {batchCount} steps."));
            }

            var start = b * batchSize;
            var size = Math.Min(batchSize, train.Count - start);
            double loss;
            int batchCorrect;
            using (var scope = torch.NewDisposeScope())
            {
                var (x, y) = train.Batch(order.AsSpan(start, size), _device);
                _optimizer.zero_grad();
                var logits = _model.call(x);
                var lossTensor = _loss(logits, y);
                loss = lossTensor.item<float>();
                if (!double.IsFinite(loss))
                {
                    return (null, StopDecision.Stop(StopReason.Diverged, $"The training loss is {loss} at epoch {epoch}, step {b}."));
                }

                if (LossTerm?.Invoke(new TrainingStep(_model, x, y, logits, epoch, ((long)(epoch - 1) * batchCount) + b)) is { } term)
                {
                    lossTensor = lossTensor.add(term.to_type(lossTensor.dtype));
                    var total = lossTensor.item<float>();
                    if (!double.IsFinite(total))
                    {
                        return (null, StopDecision.Stop(StopReason.Diverged, $"The training loss plus the loss term is {total} at epoch {epoch}, step {b}."));
                    }
                }

                lossTensor.backward();
                _optimizer.step();
                using (torch.no_grad())
                {
                    batchCorrect = (int)logits.argmax(1).eq(y).sum().item<long>();
                }
            }

            lossSum += loss * size;
            correct += batchCorrect;
            seen += size;
            var batch = new BatchResult(epoch, b, batchCount, size, loss, batchCorrect);
            foreach (var callback in Callbacks)
            {
                callback.OnBatchEnd(context, batch);
            }

            if (context.StopRequest.ShouldStop)
            {
                return (null, context.StopRequest);
            }
        }

        var metrics = new EpochMetrics
        {
            Epoch = epoch,
            TrainLoss = lossSum / seen,
            TrainAccuracy = (double)correct / seen,
            TrainSeconds = clock.Elapsed.TotalSeconds,
        };
        return (metrics, StopDecision.Continue);
    }

    private void ApplyPendingCallbackStates()
    {
        if (_pendingCallbackStates is null)
        {
            return;
        }

        foreach (var callback in Callbacks)
        {
            if (_pendingCallbackStates.TryGetValue(callback.StateKey, out var state) && state is not null)
            {
                callback.LoadState(state);
            }
        }

        _pendingCallbackStates = null;
    }
}
