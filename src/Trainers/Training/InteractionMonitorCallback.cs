using System.Text.Json.Nodes;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Masking;
using Spindle.Monitor.Metrics;
using Spindle.Monitor.Monitoring;
using static TorchSharp.torch;

namespace Spindle.Trainers.Training;

/// <summary>
/// Connects an <see cref="InteractionMonitor"/> to a <see cref="Trainer"/>: the monitor is built on the trainer's model at
/// <see cref="OnTrainStart"/>, checks at its epochs in <see cref="OnEpochEnd"/>, asks the trainer to stop when its
/// early-stopping decision says so, and stores its state in the checkpoint so a resumed run continues the same rule and log.
/// </summary>
/// <remarks>
/// With <see cref="MonitorRestore.BestInMemory"/>, a run the monitor stopped ends with the weights of the best check
/// loaded back into the model (in <see cref="OnTrainEnd"/>, after the last checkpoint was written, so <c>last.ckpt</c>
/// keeps the weights at the stop). With <see cref="MonitorOptions.PublishMetrics"/>, each epoch's training time, train and
/// test loss and accuracy are reported on the <c>Spindle.Monitor</c> meter too (<see cref="MonitorMetrics.RecordEpoch"/>,
/// <see cref="MonitorMetrics.RecordSplit"/>), under the monitor's run id. Put this callback before callbacks that should see the monitor's stop request.
/// </remarks>
public sealed class InteractionMonitorCallback : TrainingCallback, IDisposable
{
    private readonly InputVariables _variables;
    private readonly Tensor _probes;
    private readonly long[] _labels;
    private readonly MonitorOptions _options;
    private readonly CheckProvenance? _provenance;
    private readonly Action<MonitorRecord>? _onCheck;
    private JsonNode? _pendingState;
    private InteractionMonitor? _monitor;

    /// <summary>Initializes a new instance of the <see cref="InteractionMonitorCallback"/> class.</summary>
    /// <param name="variables">The input variables and their masking, fixed for the run.</param>
    /// <param name="probes">The probe samples, batch first; copied and kept for the run.</param>
    /// <param name="labels">Their labels.</param>
    /// <param name="options">The monitor's options; <see langword="null"/> for the defaults. Validated here.</param>
    /// <param name="provenance">What identifies the run and the probes in each logged check.</param>
    /// <param name="onCheck">Called after each check (for instance to print <see cref="MonitorRecord.Describe"/>).</param>
    /// <exception cref="ArgumentException">The labels do not match the probes.</exception>
    public InteractionMonitorCallback(InputVariables variables, Tensor probes, IReadOnlyList<long> labels, MonitorOptions? options = null, CheckProvenance? provenance = null, Action<MonitorRecord>? onCheck = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(labels);
        if (probes.shape.Length == 0 || probes.shape[0] != labels.Count || labels.Count == 0)
        {
            throw new ArgumentException($"Expected one label per probe sample; got {labels.Count} labels for a batch of shape [{string.Join(", ", probes.shape)}].", nameof(labels));
        }

        _options = options ?? new MonitorOptions();
        _options.Validate();
        _variables = variables;
        _probes = probes.detach().clone().DetachFromDisposeScope();
        _labels = [.. labels];
        _provenance = provenance;
        _onCheck = onCheck;
    }

    /// <inheritdoc/>
    public override string StateKey => "Spindle.Monitor.InteractionMonitor";

    /// <summary>Gets the monitor, once <see cref="OnTrainStart"/> has built it.</summary>
    public InteractionMonitor? Monitor => _monitor;

    /// <summary>Gets the epoch whose weights were restored at the end of the run; <see langword="null"/> when none were.</summary>
    public int? RestoredEpoch { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainStart(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _monitor?.Dispose();
        _monitor = new InteractionMonitor(context.Model, _variables, _probes, _labels, _options, _provenance);
        if (_pendingState is not null)
        {
            _monitor.LoadStateJson(_pendingState);
            _pendingState = null;
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metrics);
        var monitor = _monitor ?? throw new InvalidOperationException("InteractionMonitorCallback.OnEpochEnd ran before OnTrainStart.");
        if (_options.PublishMetrics)
        {
            // Reported before the check, so that the overhead recorded with the check counts this epoch's training.
            MonitorMetrics.RecordEpoch(monitor.RunId, metrics.Epoch, metrics.TrainSeconds);
            MonitorMetrics.RecordSplit(monitor.RunId, "train", metrics.TrainLoss, metrics.TrainAccuracy);
            if (metrics.Test is { } test)
            {
                MonitorMetrics.RecordSplit(monitor.RunId, "test", test.Loss, test.Accuracy);
            }
        }

        var checks = monitor.Checks;
        var decision = monitor.OnEpochEnd(metrics.Epoch);
        if (monitor.Checks > checks && monitor.LastRecord is { } record)
        {
            _onCheck?.Invoke(record);
        }

        if (decision.ShouldStop)
        {
            context.RequestStop(decision);
        }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(TrainingContext context, TrainingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (_monitor is { } monitor && _options.Restore == MonitorRestore.BestInMemory && result.Decision.ShouldStop
            && monitor.RuleDecision.ShouldStop && result.Decision == monitor.RuleDecision)
        {
            RestoredEpoch = monitor.RestoreBest();
        }
    }

    /// <inheritdoc/>
    public override JsonNode? GetState() => _monitor?.GetStateJson();

    /// <inheritdoc/>
    public override void LoadState(JsonNode state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_monitor is null)
        {
            _pendingState = state.DeepClone();
        }
        else
        {
            _monitor.LoadStateJson(state);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _monitor?.Dispose();
        _monitor = null;
        _probes.Dispose();
    }
}
