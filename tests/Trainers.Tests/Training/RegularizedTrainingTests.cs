using Spindle.Regularizer;
using Spindle.Trainers.Data;
using Spindle.Trainers.Training;
using TorchSharp;

namespace Spindle.Trainers.Tests.Training;

public class RegularizedTrainingTests
{
    private static readonly int[] ImageShape = [1, 8, 8];

    [Test]
    public void Fit_LambdaZero_GivesTheSameWeightsAsTrainingWithoutTheTerm()
    {
        // Dropout is on: a term that ran the masked passes in training mode would draw from the generator and change the run.
        var train = SyntheticData.Blobs(40, 10, ImageShape, seed: 1);
        var (plain, _) = Train(train, lambda: null);
        var (zero, terms) = Train(train, lambda: 0.0);
        try
        {
            var plainState = plain.state_dict();
            var zeroState = zero.state_dict();
            using (Assert.EnterMultipleScope())
            {
                Assert.That(terms, Has.Count.EqualTo(6), "3 steps per epoch, 2 epochs: the term ran at every step");
                Assert.That(terms.Sum(t => t.PenalizedCount), Is.GreaterThan(0), "the term penalised something, with weight 0");
                Assert.That(zeroState.Keys, Is.EqualTo(plainState.Keys).AsCollection);
                foreach (var (name, tensor) in plainState)
                {
                    Assert.That(Identical(tensor, zeroState[name]), Is.True, $"{name} differs");
                }
            }
        }
        finally
        {
            plain.Dispose();
            zero.Dispose();
        }
    }

    [Test]
    public void Fit_PositiveLambda_ChangesTheWeights()
    {
        // The counterpart of the test above: the comparison does see a term that acts.
        var train = SyntheticData.Blobs(40, 10, ImageShape, seed: 1);
        var (plain, _) = Train(train, lambda: null);
        var (regularized, terms) = Train(train, lambda: 1.0);
        try
        {
            var regularizedState = regularized.state_dict();
            var changed = plain.state_dict().Count(kv => !Identical(kv.Value, regularizedState[kv.Key]));
            using (Assert.EnterMultipleScope())
            {
                Assert.That(terms.Max(t => t.Penalty), Is.GreaterThan(0));
                Assert.That(changed, Is.GreaterThan(0));
            }
        }
        finally
        {
            plain.Dispose();
            regularized.Dispose();
        }
    }

    [Test]
    public void LossTerm_SeesEveryStepOfTheRunInOrder()
    {
        var train = SyntheticData.Blobs(20, 2, [16], seed: 1);
        using var model = TrainerTests.NewMlp(seed: 3);
        using var optimizer = torch.optim.Adam(model.parameters(), 1e-3);
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = 2, BatchSize = 8 });
        var seen = new List<(int Epoch, long Step, long Rows)>();
        trainer.LossTerm = step =>
        {
            seen.Add((step.Epoch, step.Step, step.Inputs.shape[0]));
            Assert.That(step.Logits.requires_grad, Is.True);
            return null;
        };
        trainer.Fit(train);
        Assert.That(seen, Is.EqualTo(new List<(int, long, long)> { (1, 0, 8), (1, 1, 8), (1, 2, 4), (2, 3, 8), (2, 4, 8), (2, 5, 4) }));
    }

    private static bool Identical(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();

    private static (Spindle.Trainers.Models.SmallCnn Model, List<RegularizerTerm> Terms) Train(LabeledData<float> train, double? lambda)
    {
        var model = TrainerTests.NewCnn(seed: 3, dropout: 0.5);
        using var baseline = TrainerTests.NewCnn(seed: 4, dropout: 0.5);
        using var optimizer = torch.optim.Adam(model.parameters(), 1e-2);
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = 2, BatchSize = 16, Seed = 5 });
        var terms = new List<RegularizerTerm>();
        if (lambda is double weight)
        {
            var regularizer = new InteractionRegularizer([baseline], new RegularizerOptions { Lambda = weight, WarmupSteps = 0, VariableCount = 4, SamplesPerStep = 2 });
            trainer.LossTerm = step =>
            {
                var term = regularizer.Compute(step.Model, step.Inputs, step.Labels, step.Step);
                terms.Add(term!);
                return term!.Loss;
            };
        }

        trainer.Fit(train);
        return (model, terms);
    }
}
