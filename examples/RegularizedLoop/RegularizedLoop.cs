using System.Globalization;
using Spindle.Regularizer;
using Spindle.Regularizer.Baselines;
using Spindle.Trainers.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Examples;

/// <summary>An ordinary TorchSharp loop over a small part of the embedded Fashion-MNIST subset, with Spindle's interaction term added.</summary>
public static class RegularizedLoop
{
    /// <summary>Trains a baseline on held-out images (or reuses a saved one), then a small CNN on the training images with the term.</summary>
    /// <param name="epochs">The epochs of each model.</param>
    /// <param name="trainCount">The training images (the first of the embedded subset); the next <paramref name="trainCount"/> are the held-out split.</param>
    /// <param name="baselineFolder">Where the baseline is saved and found again.</param>
    /// <param name="output">Where the per-epoch lines go.</param>
    /// <returns>The test accuracy and the last epoch's mean generalizable share of salient strength on the penalised samples.</returns>
    public static (double TestAccuracy, double GeneralizableShare) Run(int epochs, int trainCount, string baselineFolder, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var data = EmbeddedFashionMnist.Load(PixelNormalization.FashionMnist);
        var train = data.Train.Select([.. Enumerable.Range(0, trainCount)]);
        int[] heldOutIndices = [.. Enumerable.Range(trainCount, trainCount)];
        var heldOut = data.Train.Select(heldOutIndices);

        // Spindle: the baseline, trained once on the held-out split and reused by later runs with the same provenance.
        var store = new BaselineStore(baselineFolder);
        var provenance = new BaselineProvenance
        {
            Model = "example-cnn", Dataset = "fashion-mnist (embedded subset)", Split = "held-out", SampleCount = trainCount,
            SampleIndicesSha256 = BaselineStore.HashIndices(heldOutIndices), Seed = 1, Epochs = epochs,
        };
        torch.random.manual_seed(provenance.Seed);
        using var baseline = NewCnn();
        if (store.TryLoad(baseline, provenance) is null)
        {
            using var baselineOptimizer = torch.optim.Adam(baseline.parameters(), 1e-3);
            for (var epoch = 1; epoch <= epochs; epoch++)
            {
                var baselineStep = 0L;
                TrainEpoch(baseline, baselineOptimizer, heldOut, new Random(epoch), null, ref baselineStep);
            }

            store.Save(baseline, provenance);
        }

        torch.random.manual_seed(0);
        using var model = NewCnn();
        using var optimizer = torch.optim.Adam(model.parameters(), 1e-3);
        var regularizer = new InteractionRegularizer([baseline], new RegularizerOptions { Lambda = 0.01 }); // Spindle
        var share = 0.0;
        var step = 0L;
        for (var epoch = 1; epoch <= epochs; epoch++)
        {
            var (loss, epochShare) = TrainEpoch(model, optimizer, train, new Random(epoch), regularizer, ref step);
            share = epochShare;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch,3}  train loss {loss:F4}  generalizable share {share:P1}"));
        }

        var accuracy = Accuracy(model, data.Test);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test accuracy {accuracy:P2}"));
        return (accuracy, share);
    }

    private static nn.Module<Tensor, Tensor> NewCnn() => nn.Sequential(
        nn.Conv2d(1, 32, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 256), nn.ReLU(), nn.Linear(256, 10));

    private static (double Loss, double Share) TrainEpoch(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, LabeledData<float> data, Random random, InteractionRegularizer? regularizer, ref long step)
    {
        model.train();
        var order = Enumerable.Range(0, data.Count).OrderBy(_ => random.Next()).ToArray();
        double lossSum = 0, salient = 0, generalizable = 0;
        for (var start = 0; start < order.Length; start += 64)
        {
            using var scope = torch.NewDisposeScope();
            var (x, y) = data.Batch(order.AsSpan(start, Math.Min(64, order.Length - start)));
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(x), y);
            lossSum += loss.item<float>() * y.shape[0];
            if (regularizer?.Compute(model, x, y, step++) is { } term) // Spindle: the term for this step
            {
                loss = loss.add(term.Loss); // Spindle: add it to the loss
                (salient, generalizable) = (salient + term.SalientStrength, generalizable + term.GeneralizableStrength);
            }

            loss.backward();
            optimizer.step();
        }

        return (lossSum / data.Count, salient > 0 ? generalizable / salient : 0);
    }

    private static double Accuracy(nn.Module<Tensor, Tensor> model, LabeledData<float> test)
    {
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var (x, y) = test.Batch([.. Enumerable.Range(0, test.Count)]);
        return model.call(x).argmax(1).eq(y).to_type(ScalarType.Float64).mean().item<double>();
    }
}
