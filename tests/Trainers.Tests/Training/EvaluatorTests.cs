using Spindle.Trainers.Data;
using Spindle.Trainers.Training;
using static TorchSharp.torch;

namespace Spindle.Trainers.Tests.Training;

public class EvaluatorTests
{
    private static readonly int[][] ExpectedConfusion = [[2, 1], [0, 1]];

    [Test]
    public void Evaluate_FixedLogits_MatchesHandComputedMetrics()
    {
        // Samples are one-hot class indicators scaled by 2; the "model" returns its input as logits,
        // with sample 3 (true class 0) given the logits of class 1: one error out of 4.
        float[] features = [2, 0, 0, 2, 2, 0, 0, 2];
        int[] labels = [0, 1, 0, 0];
        var data = new LabeledData<float>("fixed", [2], features, labels, 2);
        using var model = new IdentityModel();

        var result = new Evaluator(batchSize: 3).Evaluate(model, data);

        // Cross-entropy of logits (2, 0) for its class: log(1 + e^-2); for the wrong one: log(1 + e^2).
        var right = Math.Log(1 + Math.Exp(-2));
        var wrong = Math.Log(1 + Math.Exp(2));
        var expectedLoss = ((3 * right) + wrong) / 4;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Count, Is.EqualTo(4));
            Assert.That(result.Accuracy, Is.EqualTo(0.75).Within(1e-12), "3 of 4 right; a ratio of small integers");

            // Class 0: 2 of 3 right; class 1: 1 of 1 right.
            Assert.That(result.MacroAccuracy, Is.EqualTo(((2.0 / 3) + 1) / 2).Within(1e-12), "ratios of small integers");

            // float32 softmax and log: 1e-5 covers single-precision rounding of values near 0.1-2.
            Assert.That(result.Loss, Is.EqualTo(expectedLoss).Within(1e-5));
            Assert.That(result.LogLoss, Is.EqualTo(expectedLoss).Within(1e-5));
            Assert.That(result.ConfusionMatrix, Is.EqualTo(ExpectedConfusion).AsCollection);
        }
    }

    [Test]
    public void Evaluate_ModelInTrainingMode_RestoresTrainingMode()
    {
        var data = new LabeledData<float>("fixed", [2], [1, 0], [0], 2);
        using var model = new IdentityModel();
        model.train();

        new Evaluator().Evaluate(model, data);

        Assert.That(model.training, Is.True);
    }

    [Test]
    public void Evaluate_WrongLogitWidth_ThrowsWithShapes()
    {
        var data = new LabeledData<float>("three-classes", [2], [1, 0], [0], 3);
        using var model = new IdentityModel();

        Assert.That(() => new Evaluator().Evaluate(model, data), Throws.ArgumentException.With.Message.Contains("[1, 3]"));
    }

    private sealed class IdentityModel : nn.Module<Tensor, Tensor>
    {
        public IdentityModel()
            : base(nameof(IdentityModel))
        {
        }

        public override Tensor forward(Tensor input) => input.alias();
    }
}
