using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Decomposition;
using Spindle.Monitor.EarlyStopping;
using Spindle.Monitor.IO;
using Spindle.Monitor.Masking;
using Spindle.Monitor.Metrics;
using static TorchSharp.torch;

namespace Spindle.Monitor.Monitoring;

/// <summary>
/// Watches a model's interactions during training from any loop: every K epochs <see cref="OnEpochEnd"/> runs an
/// <see cref="InteractionCheck"/> on fixed probes, appends it with the early-stopping state as one line to
/// <see cref="LogFileName"/> in the run folder, publishes it on the <c>Spindle.Monitor</c> meter and returns the
/// early-stopping decision.
/// </summary>
/// <remarks>
/// <para>
/// In a plain TorchSharp loop: build the monitor before the loop, and after each epoch
/// <c>if (monitor.OnEpochEnd(epoch).ShouldStop) break;</c>. Each log line is written and flushed on its own, so a killed
/// process loses no line already written. With <see cref="MonitorRestore.BestInMemory"/>, <see cref="RestoreBest"/> loads
/// the weights of the rule's best check back into the model.
/// </para>
/// <para>
/// The early-stopping rule's defaults are the early-stopping study's choice (see <see cref="EarlyStoppingOptions"/>). A check with Z = 0 (no
/// salient first-order interaction, for instance right after initialisation) has no scale: it is logged and published
/// but the rule skips it. Instances are not thread-safe.
/// </para>
/// </remarks>
public sealed class InteractionMonitor : IDisposable
{
    /// <summary>The name of the log file in the run folder.</summary>
    public const string LogFileName = "monitor.jsonl";

    /// <summary>The value of the <c>format</c> field of every log line.</summary>
    public const string FormatName = "spindle.monitor";

    /// <summary>The version of the log line layout.</summary>
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions StateJson = new() { WriteIndented = false };

    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly InputVariables _variables;
    private readonly Tensor _probes;
    private readonly long[] _labels;
    private readonly CheckProvenance _provenance;
    private readonly InteractionCheckOptions _checkOptions;
    private readonly EarlyStoppingOptions _stoppingOptions;
    private readonly int _checkEvery;
    private readonly double? _checkBudget;
    private readonly System.Diagnostics.Stopwatch _loopClock = new();
    private double _loopSeconds;
    private double _checkSeconds;
    private double? _lastCheckSeconds;
    private readonly bool _stopTraining;
    private readonly bool _publish;
    private readonly MonitorRestore _restore;
    private readonly string? _logPath;
    private InteractionCheck _check;
    private EarlyStoppingTracker _tracker;
    private Dictionary<string, Tensor>? _bestWeights;
    private int? _bestEpoch;
    private int? _bestWeightsEpoch;
    private int? _lastEpoch;
    private int _checks;
    private double? _heldDelta;
    private bool _resumed;
    private StopDecision? _ruleDecision;
    private int? _resumedAt;
    private FileStream? _log;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="InteractionMonitor"/> class.</summary>
    /// <param name="model">The model being trained; the monitor reads it at each check (and writes it in <see cref="RestoreBest"/>).</param>
    /// <param name="variables">The input variables and their masking, fixed for the run.</param>
    /// <param name="probes">The probe samples, batch first; copied and kept for the run.</param>
    /// <param name="labels">Their labels.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults. Validated here; later changes have no effect.</param>
    /// <param name="provenance">What identifies the run and the probes in each logged check.</param>
    /// <exception cref="ArgumentException">The labels do not match the probes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public InteractionMonitor(nn.Module<Tensor, Tensor> model, InputVariables variables, Tensor probes, IReadOnlyList<long> labels, MonitorOptions? options = null, CheckProvenance? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(labels);
        options ??= new MonitorOptions();
        options.Validate();
        _model = model;
        _variables = variables;
        _labels = [.. labels];
        _checkEvery = options.CheckEvery;
        _checkBudget = options.CheckBudget;
        _stopTraining = options.StopTraining;
        _publish = options.PublishMetrics;
        _restore = options.Restore;
        _checkOptions = options.Check ?? new InteractionCheckOptions();
        _stoppingOptions = options.EarlyStopping ?? new EarlyStoppingOptions();
        _logPath = options.RunFolder is { } folder ? Path.Combine(Path.GetFullPath(folder), LogFileName) : null;
        RunId = options.RunId ?? (options.RunFolder is { } f ? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(f))) : Guid.NewGuid().ToString("N"));
        _provenance = (provenance ?? new CheckProvenance()) with { Run = provenance?.Run ?? RunId };
        _check = new InteractionCheck(variables, probes, _labels, _checkOptions, _provenance);
        _probes = probes.detach().clone().DetachFromDisposeScope();
        _tracker = new EarlyStoppingTracker(_stoppingOptions);
        _loopClock.Start();
    }

    /// <summary>Gets the run identifier (the <c>run.id</c> metric attribute).</summary>
    public string RunId { get; }

    /// <summary>Gets the log file's path; <see langword="null"/> without a run folder.</summary>
    public string? LogPath => _logPath;

    /// <summary>Gets the number of checks run (including those before a resume).</summary>
    public int Checks => _checks;

    /// <summary>Gets the loop's own seconds in this process: the wall time between <see cref="OnEpochEnd"/> calls (from construction to the first), outside checks.</summary>
    public double LoopSeconds => _loopSeconds;

    /// <summary>Gets the seconds spent in checks in this process.</summary>
    public double CheckSeconds => _checkSeconds;

    /// <summary>Gets the checks' seconds over the loop's own seconds in this process; <see langword="null"/> before the first epoch.</summary>
    public double? Overhead => _loopSeconds > 0 ? _checkSeconds / _loopSeconds : null;

    /// <summary>Gets the number of check epochs whose check <see cref="MonitorOptions.CheckBudget"/> skipped in this process.</summary>
    public int SkippedChecks { get; private set; }

    /// <summary>Gets the last check's record; <see langword="null"/> before the first check of this process.</summary>
    public MonitorRecord? LastRecord { get; private set; }

    /// <summary>Gets the epoch of the early-stopping rule's best check (lowest smoothed signal, or last improvement); <see langword="null"/> before the first.</summary>
    public int? BestEpoch => _bestEpoch;

    /// <summary>Gets the early-stopping rule's decision so far (whether or not the monitor acts on it).</summary>
    public StopDecision RuleDecision => _ruleDecision ?? _tracker.Decision;

    /// <summary>Returns whether <paramref name="epoch"/> is one the monitor checks (a multiple of <see cref="MonitorOptions.CheckEvery"/>).</summary>
    /// <param name="epoch">The 1-based epoch just finished.</param>
    /// <returns><see langword="true"/> when <see cref="OnEpochEnd"/> runs a check at that epoch.</returns>
    public bool IsCheckEpoch(int epoch) => epoch > 0 && epoch % _checkEvery == 0;

    /// <summary>Call after each training epoch: at check epochs runs the check, logs and publishes it, and returns the early-stopping decision.</summary>
    /// <param name="epoch">The 1-based epoch just finished.</param>
    /// <param name="step">The optimizer step, for the provenance.</param>
    /// <param name="cancellationToken">Cancels the check between masked chunks.</param>
    /// <returns>Whether to stop; at epochs without a check, the decision so far.</returns>
    /// <exception cref="ObjectDisposedException">The monitor is disposed.</exception>
    public StopDecision OnEpochEnd(int epoch, long? step = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _loopSeconds += _loopClock.Elapsed.TotalSeconds;
        try
        {
            if (!IsCheckEpoch(epoch) || (_lastEpoch is { } last && epoch <= last))
            {
                return _stopTraining ? RuleDecision : StopDecision.Continue;
            }

            if (_checkBudget is { } budget && _lastCheckSeconds is { } expected && _checkSeconds + expected > budget * _loopSeconds)
            {
                SkippedChecks++;
                return _stopTraining ? RuleDecision : StopDecision.Continue;
            }

            return Check(epoch, step, cancellationToken).Decision;
        }
        finally
        {
            _loopClock.Restart();
        }
    }

    /// <summary>Runs a check now, whatever the epoch: the check, log line, metrics and decision of <see cref="OnEpochEnd"/>.</summary>
    /// <param name="epoch">The epoch to record the check under.</param>
    /// <param name="step">The optimizer step, for the provenance.</param>
    /// <param name="cancellationToken">Cancels the check between masked chunks.</param>
    /// <returns>The check's record.</returns>
    /// <exception cref="ObjectDisposedException">The monitor is disposed.</exception>
    public MonitorRecord Check(int epoch, long? step = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = _check.Run(_model, epoch, step, cancellationToken);
        _heldDelta ??= _check.HeldDelta;
        var value = result.Value(MetricOf(_stoppingOptions.Signal));
        var isBest = false;
        if (value is { } v)
        {
            var before = _tracker.Checks;
            _tracker.Update(v);
            isBest = _tracker.BestCheck == before && _tracker.Checks == before + 1;
            if (isBest)
            {
                _bestEpoch = epoch;
                if (_restore == MonitorRestore.BestInMemory)
                {
                    KeepWeights(epoch);
                }
            }
        }

        _checks++;
        _lastEpoch = epoch;
        var state = _tracker.GetState();
        if (_tracker.Decision.ShouldStop && _ruleDecision is null)
        {
            // The rule numbers checks; people read epochs.
            _ruleDecision = StopDecision.Stop(_tracker.Decision.Reason, string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"Epoch {epoch}: {_tracker.Decision.Message}{(_bestEpoch is { } best ? $" Best check at epoch {best}." : string.Empty)}"));
        }

        var rule = RuleDecision;
        var decision = _stopTraining ? rule : StopDecision.Continue;
        _lastCheckSeconds = clock.Elapsed.TotalSeconds;
        _checkSeconds += _lastCheckSeconds.Value;
        var record = new MonitorRecord(epoch, result, _stoppingOptions.Signal, value, state, _tracker.Threshold, _stoppingOptions.Patience, isBest, rule, decision);
        LastRecord = record;
        Append(record, step);
        if (_publish)
        {
            MonitorMetrics.Record(RunId, epoch, result, _stoppingOptions.Signal, state, _tracker.Threshold);
        }

        return record;
    }

    /// <summary>Loads the weights kept at the best check back into the model (<see cref="MonitorRestore.BestInMemory"/>).</summary>
    /// <returns>The epoch whose weights were loaded; <see langword="null"/> when none are kept (restore off, no check yet, or the best check came before a resume).</returns>
    /// <exception cref="ObjectDisposedException">The monitor is disposed.</exception>
    public int? RestoreBest()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_bestWeights is null)
        {
            return null;
        }

        using (no_grad())
        {
            foreach (var (name, tensor) in _model.state_dict())
            {
                if (!_bestWeights.TryGetValue(name, out var kept))
                {
                    throw new InvalidOperationException($"The model has a tensor '{name}' that the weights kept at epoch {_bestWeightsEpoch} lack; was the model changed?");
                }

                tensor.copy_(kept);
            }
        }

        return _bestWeightsEpoch;
    }

    /// <summary>Gets the state to store in a checkpoint.</summary>
    /// <returns>The state.</returns>
    public MonitorState GetState() => new()
    {
        LastEpoch = _lastEpoch,
        Checks = _checks,
        BestEpoch = _bestEpoch,
        HeldDelta = _heldDelta,
        EarlyStopping = _tracker.GetState(),
    };

    /// <summary>Restores a state <see cref="GetState"/> returned, before the first check of a resumed run: the rule continues, δ stays held, and log lines after the state's last epoch are dropped when the log is next written.</summary>
    /// <param name="state">The state.</param>
    /// <exception cref="ArgumentException">The state is inconsistent.</exception>
    /// <exception cref="ObjectDisposedException">The monitor is disposed.</exception>
    public void LoadState(MonitorState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var tracker = new EarlyStoppingTracker(_stoppingOptions);
        tracker.LoadState(state.EarlyStopping ?? new EarlyStoppingState());
        _tracker = tracker;
        _ruleDecision = null;
        _lastEpoch = state.LastEpoch;
        _checks = state.Checks;
        _bestEpoch = state.BestEpoch;
        _heldDelta = state.HeldDelta;
        DisposeWeights();
        if (state.HeldDelta is { } delta && _checkOptions.DecayShape == DecayShape.NoiseOperator && _checkOptions.HoldDelta)
        {
            _check.Dispose();
            _check = new InteractionCheck(_variables, _probes, _labels, WithDelta(_checkOptions, delta), _provenance);
        }

        _log?.Dispose();
        _log = null;
        _resumed = true;
        _resumedAt = state.LastEpoch;
    }

    /// <summary>Serialises <see cref="GetState"/> to a JSON node (for a checkpoint's callback state).</summary>
    /// <returns>The node.</returns>
    public JsonNode GetStateJson() => JsonSerializer.SerializeToNode(GetState(), StateJson)!;

    /// <summary>Restores a state written by <see cref="GetStateJson"/>.</summary>
    /// <param name="state">The node.</param>
    /// <exception cref="ArgumentException">The node is not a monitor state.</exception>
    public void LoadStateJson(JsonNode state)
    {
        ArgumentNullException.ThrowIfNull(state);
        MonitorState? parsed;
        try
        {
            parsed = state.Deserialize<MonitorState>(StateJson);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"Not a monitor state: {e.Message}", nameof(state), e);
        }

        LoadState(parsed ?? throw new ArgumentException("Not a monitor state: null.", nameof(state)));
    }

    /// <summary>Reads the records of a monitor log: each line's epoch, signal value, stop flag and check.</summary>
    /// <param name="path">The log file.</param>
    /// <returns>The lines, parsed, in file order.</returns>
    /// <exception cref="InvalidDataException">A line is not a monitor record.</exception>
    public static IReadOnlyList<JsonObject> ReadLog(string path)
    {
        var lines = new List<JsonObject>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (JsonNode.Parse(line) is not JsonObject record || (string?)record["format"] != FormatName)
            {
                throw new InvalidDataException($"{path}: a line that is not a {FormatName} record.");
            }

            lines.Add(record);
        }

        return lines;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _log?.Dispose();
        _log = null;
        _check.Dispose();
        _probes.Dispose();
        DisposeWeights();
    }

    private static CheckMetric MetricOf(EarlyStoppingSignal signal) => signal switch
    {
        EarlyStoppingSignal.SpindleMass => CheckMetric.SpindleMass,
        EarlyStoppingSignal.CancellationMass => CheckMetric.CancellationMass,
        EarlyStoppingSignal.SpindleShare => CheckMetric.SpindleShare,
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "Unknown signal."),
    };

    private static InteractionCheckOptions WithDelta(InteractionCheckOptions options, double delta)
    {
        var fit = options.Fit ?? new DecompositionFitOptions();
        return new InteractionCheckOptions
        {
            Masking = options.Masking,
            Analysis = options.Analysis,
            DecayShape = options.DecayShape,
            HoldDelta = options.HoldDelta,
            BootstrapReplicates = options.BootstrapReplicates,
            BootstrapSeed = options.BootstrapSeed,
            ConfidenceLevel = options.ConfidenceLevel,
            Fit = new DecompositionFitOptions
            {
                MinDelta = delta,
                MaxDelta = delta,
                MiddleOrderRetention = fit.MiddleOrderRetention,
                DeltaGridSize = fit.DeltaGridSize,
                MinAlpha = fit.MinAlpha,
                AlphaGridSize = fit.AlphaGridSize,
                Refine = fit.Refine,
            },
        };
    }

    private void KeepWeights(int epoch)
    {
        var copy = new Dictionary<string, Tensor>();
        using (no_grad())
        {
            foreach (var (name, tensor) in _model.state_dict())
            {
                copy[name] = tensor.detach().to(CPU).clone().DetachFromDisposeScope();
            }
        }

        DisposeWeights();
        _bestWeights = copy;
        _bestWeightsEpoch = epoch;
    }

    private void DisposeWeights()
    {
        if (_bestWeights is not null)
        {
            foreach (var tensor in _bestWeights.Values)
            {
                tensor.Dispose();
            }
        }

        _bestWeights = null;
        _bestWeightsEpoch = null;
    }

    private void Append(MonitorRecord record, long? step)
    {
        if (_logPath is null)
        {
            return;
        }

        _log ??= OpenLog();
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("format", FormatName);
            writer.WriteNumber("version", CurrentVersion);
            writer.WriteString("run", RunId);
            writer.WriteNumber("epoch", record.Epoch);
            if (step is { } s)
            {
                writer.WriteNumber("step", s);
            }

            writer.WriteString("signal", MonitorMetrics.SignalTag(record.Signal));
            if (record.Value is { } value)
            {
                writer.WriteNumber("value", value);
            }
            else
            {
                writer.WriteNull("value");
            }

            writer.WriteBoolean("isBest", record.IsBest);
            writer.WriteBoolean("ruleStop", record.RuleDecision.ShouldStop);
            writer.WriteBoolean("stop", record.Decision.ShouldStop);
            writer.WriteString("reason", record.RuleDecision.Reason.ToString());
            writer.WriteString("message", record.RuleDecision.Message);
            if (record.Threshold is { } threshold)
            {
                writer.WriteNumber("threshold", threshold);
            }

            writer.WriteNumber("loopSeconds", Math.Round(_loopSeconds, 3));
            writer.WriteNumber("checkSeconds", Math.Round(_checkSeconds, 3));
            writer.WriteNumber("skippedChecks", SkippedChecks);
            writer.WritePropertyName("earlyStopping");
            JsonSerializer.Serialize(writer, record.EarlyStopping, StateJson);
            writer.WritePropertyName("check");
            writer.WriteRawValue(record.Check.ToJson(), skipInputValidation: true);
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        _log.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        _log.Flush();
    }

    private FileStream OpenLog()
    {
        var path = _logPath!;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path))
        {
            // A resumed run keeps the lines up to its checkpoint's last check and drops later ones (written before a
            // crash, then lost from the model); a fresh run starts a new log. The rewrite is atomic.
            var kept = new StringBuilder();
            if (_resumed && _resumedAt is { } last)
            {
                foreach (var line in File.ReadLines(path))
                {
                    if (!string.IsNullOrWhiteSpace(line) && TryEpoch(line) is { } epoch && epoch <= last)
                    {
                        kept.Append(line).Append('\n');
                    }
                }
            }

            AtomicFile.WriteAllText(path, kept.ToString());
        }

        return new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    private static int? TryEpoch(string line)
    {
        try
        {
            return JsonNode.Parse(line)?["epoch"]?.GetValue<int>();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
