using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spindle.Monitor;
using Spindle.Monitor.Interactions;
using Spindle.Monitor.Masking;
using Spindle.Trainers.Data;
using Spindle.Trainers.Training;
using static TorchSharp.torch;

namespace Spindle.Tools.SignalSeries;

/// <summary>
/// A training callback that extracts the interactions on fixed probes once before training (epoch 0)
/// and after every epoch, saves them, and appends the epoch's line to <c>epochs.jsonl</c>.
/// </summary>
internal sealed class SeriesRecorder : TrainingCallback, IDisposable
{
    private static readonly JsonSerializerOptions LineOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly string _folder;
    private readonly Tensor _probes;
    private readonly long[] _labels;
    private readonly InputVariables _input;
    private readonly InputVariables? _feature;
    private readonly LabeledData<float> _train;
    private readonly LabeledData<float> _test;
    private readonly InteractionExtractor _extractor;
    private readonly StreamWriter _lines;
    private readonly List<EpochRecord> _records = [];

    /// <summary>Initializes a new instance of the <see cref="SeriesRecorder"/> class.</summary>
    /// <param name="folder">The run folder (exists).</param>
    /// <param name="probes">The probe images, batch first; the recorder owns them from now on.</param>
    /// <param name="labels">The probes' true labels.</param>
    /// <param name="input">The input-patch variables.</param>
    /// <param name="feature">The feature-map variables, or null for none.</param>
    /// <param name="train">The training split (evaluated once, at epoch 0).</param>
    /// <param name="test">The test split (evaluated at epoch 0; the trainer evaluates it afterwards).</param>
    /// <param name="analysis">The analysis options of both extractions.</param>
    public SeriesRecorder(
        string folder,
        Tensor probes,
        long[] labels,
        InputVariables input,
        InputVariables? feature,
        LabeledData<float> train,
        LabeledData<float> test,
        InteractionAnalysisOptions analysis)
    {
        _folder = folder;
        _probes = probes.DetachFromDisposeScope();
        _labels = labels;
        _input = input;
        _feature = feature;
        _train = train;
        _test = test;
        _extractor = new InteractionExtractor(analysis: analysis);
        _lines = new StreamWriter(Path.Combine(folder, SeriesFiles.Epochs), append: false, new System.Text.UTF8Encoding(false));
    }

    /// <summary>Gets the lines written so far.</summary>
    public IReadOnlyList<EpochRecord> Records => _records;

    /// <inheritdoc/>
    public override void OnTrainStart(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Epoch != 0)
        {
            return;
        }

        var evaluator = new Evaluator(device: context.Device);
        var train = evaluator.Evaluate(context.Model, _train);
        var clock = Stopwatch.StartNew();
        var test = evaluator.Evaluate(context.Model, _test);
        Record(context, 0, train.Loss, train.Accuracy, test.Loss, test.Accuracy, 0, clock.Elapsed.TotalSeconds);
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metrics);
        var test = metrics.Test ?? throw new InvalidOperationException("The series needs the trainer to evaluate the test split every epoch.");
        Record(context, metrics.Epoch, metrics.TrainLoss, metrics.TrainAccuracy, test.Loss, test.Accuracy, metrics.TrainSeconds, metrics.EvalSeconds);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _lines.Dispose();
        _probes.Dispose();
    }

    private void Record(TrainingContext context, int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy, double trainSeconds, double evalSeconds)
    {
        var (input, inputSeconds) = Extract(context, _input, "input", epoch);
        var feature = _feature is null ? default : Extract(context, _feature, "feature", epoch);
        var record = new EpochRecord(
            epoch,
            trainLoss,
            trainAccuracy,
            testLoss,
            testAccuracy,
            trainSeconds,
            evalSeconds,
            inputSeconds,
            _feature is null ? null : feature.Seconds,
            input.Normalization,
            feature.Extraction?.Normalization);
        _records.Add(record);
        _lines.WriteLine(JsonSerializer.Serialize(record, LineOptions));
        _lines.Flush();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{DateTime.Now:HH:mm:ss} epoch {epoch,3}: train loss {trainLoss:F4} acc {trainAccuracy:F4} | test loss {testLoss:F4} acc {testAccuracy:F4} | "
            + $"train {trainSeconds:F1} s, input check {inputSeconds:F1} s{(_feature is null ? "" : $", feature check {feature.Seconds:F1} s")}"));
    }

    private (InteractionExtraction Extraction, double Seconds) Extract(TrainingContext context, InputVariables variables, string kind, int epoch)
    {
        var clock = Stopwatch.StartNew();
        var extraction = _extractor.Extract(context.Model, variables, _probes, _labels);
        var seconds = clock.Elapsed.TotalSeconds;
        SeriesFiles.SaveGzip(Path.Combine(_folder, SeriesFiles.Extraction(kind, epoch)), extraction);
        return (extraction, seconds);
    }
}
