using Spindle.Trainers.Data;
using Spindle.Trainers.Models;
using Spindle.Trainers.Training;
using TorchSharp;

namespace Spindle.Trainers.Tests.Training;

public class EmbeddedDataTrainingTests
{
    [Test]
    public void Fit_MlpOnEmbeddedFashionMnist_ReachesSensibleTestAccuracy()
    {
        var data = EmbeddedFashionMnist.Load(PixelNormalization.FashionMnist);
        torch.random.manual_seed(0);
        using var model = ModelFactory.Create("mlp", data.Train.SampleShape, data.Train.ClassCount);
        using var optimizer = torch.optim.Adam(model.parameters(), 1e-3);
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = 3, BatchSize = 64, Seed = 0 });

        var result = trainer.Fit(data.Train, data.Test);
        var test = result.History[^1].Test!;

        TestContext.Out.WriteLine(string.Join("\n", result.History.Select(m => $"{m.Epoch}: train {m.TrainLoss:F4}/{m.TrainAccuracy:F4} test {m.Test!.Loss:F4}/{m.Test.Accuracy:F4}")));
        using (Assert.EnterMultipleScope())
        {
            // Chance is 0.10 on these 10 balanced classes; an MLP reaches about 0.8 after 3 epochs on
            // 4,000 images, and a linear model on full Fashion-MNIST about 0.84. 0.75 is far above
            // chance and below a working run, leaving room for initialisation and thread-count noise.
            Assert.That(test.Accuracy, Is.GreaterThanOrEqualTo(0.75));
            Assert.That(test.Count, Is.EqualTo(EmbeddedFashionMnist.TestCount));
            Assert.That(result.History[^1].TrainLoss, Is.LessThan(result.History[0].TrainLoss));
        }
    }
}
