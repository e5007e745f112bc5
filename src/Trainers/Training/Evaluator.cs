using Microsoft.ML;
using Microsoft.ML.Data;
using Spindle.Trainers.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Trainers.Training;

/// <summary>
/// Evaluates a classifier on a labelled split in evaluation mode: the mean loss with the training
/// loss function, and classification metrics (accuracy, macro accuracy, log-loss, confusion matrix)
/// from ML.NET's multiclass evaluator over the softmax scores.
/// </summary>
public sealed class Evaluator
{
    private readonly int _batchSize;
    private readonly Device _device;
    private readonly Func<Tensor, Tensor, Tensor> _loss;
    private readonly MLContext _mlContext = new(seed: 0);

    /// <summary>Initializes a new instance of the <see cref="Evaluator"/> class.</summary>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <param name="device">The device of the model; the CPU when null.</param>
    /// <param name="loss">The loss of (logits, int64 labels) with mean reduction; cross-entropy when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    public Evaluator(int batchSize = TrainerDefaults.EvalBatchSize, Device? device = null, Func<Tensor, Tensor, Tensor>? loss = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _batchSize = batchSize;
        _device = device ?? torch.CPU;
        _loss = loss ?? DefaultLoss;
    }

    /// <summary>Gets the default loss: mean cross-entropy of logits against int64 labels.</summary>
    public static Func<Tensor, Tensor, Tensor> DefaultLoss { get; } = (logits, labels) => nn.functional.cross_entropy(logits, labels);

    /// <summary>Evaluates the model on every sample of the split; the model's training mode is restored afterwards.</summary>
    /// <typeparam name="T">The feature element type.</typeparam>
    /// <param name="model">The classifier, returning logits [batch, classes].</param>
    /// <param name="data">The split.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentException">The split is empty or the model's output has the wrong width.</exception>
    public EvaluationResult Evaluate<T>(nn.Module<Tensor, Tensor> model, LabeledData<T> data)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0)
        {
            throw new ArgumentException($"{data.Name}: cannot evaluate on an empty split.", nameof(data));
        }

        var classCount = data.ClassCount;
        var probabilities = new float[checked(data.Count * classCount)];
        var lossSum = 0.0;
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            var indices = new int[Math.Min(_batchSize, data.Count)];
            for (var start = 0; start < data.Count; start += _batchSize)
            {
                using var scope = torch.NewDisposeScope();
                var size = Math.Min(_batchSize, data.Count - start);
                for (var i = 0; i < size; i++)
                {
                    indices[i] = start + i;
                }

                var (x, y) = data.Batch(indices.AsSpan(0, size), _device);
                var logits = model.call(x);
                if (logits.dim() != 2 || logits.shape[1] != classCount)
                {
                    throw new ArgumentException(
                        $"{data.Name}: the model returned shape [{string.Join(", ", logits.shape)}]; expected [{size}, {classCount}] logits.",
                        nameof(model));
                }

                lossSum += _loss(logits, y).item<float>() * size;
                var probs = nn.functional.softmax(logits, 1).to(torch.CPU).to_type(ScalarType.Float32);
                probs.data<float>().CopyTo(probabilities, start * classCount);
            }
        }
        finally
        {
            model.train(wasTraining);
        }

        var metrics = MlNetMetrics(data.Labels, probabilities, classCount);
        return new EvaluationResult
        {
            Count = data.Count,
            Loss = lossSum / data.Count,
            Accuracy = metrics.MicroAccuracy,
            MacroAccuracy = metrics.MacroAccuracy,
            LogLoss = metrics.LogLoss,
            ConfusionMatrix = ConfusionCounts(metrics.ConfusionMatrix, classCount),
        };
    }

    private MulticlassClassificationMetrics MlNetMetrics(int[] labels, float[] probabilities, int classCount)
    {
        var rows = new List<PredictionRow>(labels.Length);
        for (var i = 0; i < labels.Length; i++)
        {
            var score = probabilities.AsSpan(i * classCount, classCount).ToArray();
            var best = 0;
            for (var c = 1; c < classCount; c++)
            {
                if (score[c] > score[best])
                {
                    best = c;
                }
            }

            // LoadFromEnumerable reads a uint key property as 0-based (it stores v + 1, keeping 0 for missing).
            rows.Add(new PredictionRow { Label = (uint)labels[i], Score = score, PredictedLabel = (uint)best });
        }

        var schema = SchemaDefinition.Create(typeof(PredictionRow));
        schema[nameof(PredictionRow.Label)].ColumnType = new KeyDataViewType(typeof(uint), classCount);
        schema[nameof(PredictionRow.PredictedLabel)].ColumnType = new KeyDataViewType(typeof(uint), classCount);
        schema[nameof(PredictionRow.Score)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, classCount);
        var view = _mlContext.Data.LoadFromEnumerable(rows, schema);
        return _mlContext.MulticlassClassification.Evaluate(
            view,
            labelColumnName: nameof(PredictionRow.Label),
            scoreColumnName: nameof(PredictionRow.Score),
            predictedLabelColumnName: nameof(PredictionRow.PredictedLabel));
    }

    private static int[][] ConfusionCounts(ConfusionMatrix matrix, int classCount)
    {
        var counts = new int[classCount][];
        for (var t = 0; t < classCount; t++)
        {
            counts[t] = new int[classCount];
            if (t >= matrix.Counts.Count)
            {
                continue;
            }

            for (var p = 0; p < classCount && p < matrix.Counts[t].Count; p++)
            {
                counts[t][p] = (int)Math.Round(matrix.Counts[t][p]);
            }
        }

        return counts;
    }

    /// <summary>One prediction as ML.NET reads it.</summary>
    internal sealed class PredictionRow
    {
        /// <summary>Gets or sets the true class (0-based; ML.NET's key value minus one).</summary>
        public uint Label { get; set; }

        /// <summary>Gets or sets the class probabilities.</summary>
        public float[] Score { get; set; } = [];

        /// <summary>Gets or sets the predicted class (0-based; ML.NET's key value minus one).</summary>
        public uint PredictedLabel { get; set; }
    }
}
