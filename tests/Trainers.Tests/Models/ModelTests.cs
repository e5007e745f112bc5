using Spindle.Trainers.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Trainers.Tests.Models;

public class ModelTests
{
    // name, sample shape, expected feature-map shape for a batch of 2 (without the batch dimension).
    private static readonly object[] Cases =
    [
        new object[] { "mlp", new[] { 1, 28, 28 }, new long[] { 256 } },
        new object[] { "cnn", new[] { 1, 28, 28 }, new long[] { 64, 14, 14 } },
        new object[] { "resnet20", new[] { 3, 32, 32 }, new long[] { 16, 32, 32 } },
        new object[] { "vgg11", new[] { 1, 28, 28 }, new long[] { 32, 14, 14 } },
        new object[] { "vgg11", new[] { 3, 32, 32 }, new long[] { 32, 16, 16 } },
        new object[] { "bert-tiny", new[] { 12 }, new long[] { 12, 64 } },
    ];

    [TestCaseSource(nameof(Cases))]
    public void ForwardSuffix_OfForwardPrefix_EqualsForward(string name, int[] sampleShape, long[] featureMapShape)
    {
        using var scope = torch.NewDisposeScope();
        torch.random.manual_seed(1);
        using var model = ModelFactory.Create(name, sampleShape, 10, new ModelOptions { VocabularySize = 100 });
        model.eval();
        var input = Input(sampleShape);

        using var noGrad = torch.no_grad();
        var whole = model.call(input);
        var featureMap = model.ForwardPrefix(input);
        var split = model.ForwardSuffix(featureMap);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(whole.shape, Is.EqualTo(new long[] { 2, 10 }).AsCollection);
            Assert.That(featureMap.shape, Is.EqualTo(new long[] { 2 }.Concat(featureMapShape)).AsCollection);

            // The same kernels on the same shapes in the same order: identical up to float32 rounding
            // of reordered reductions at most (logits are O(1)).
            Assert.That(split.sub(whole).abs().max().item<float>(), Is.LessThanOrEqualTo(1e-5f));
            Assert.That(model.FeatureMapName, Is.Not.Empty);
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Forward_TrainingStep_ProducesGradientsForEveryParameter(string name, int[] sampleShape, long[] featureMapShape)
    {
        using var scope = torch.NewDisposeScope();
        torch.random.manual_seed(1);
        using var model = ModelFactory.Create(name, sampleShape, 10, new ModelOptions { VocabularySize = 100 });
        model.train();

        var loss = nn.functional.cross_entropy(model.call(Input(sampleShape)), torch.tensor(new long[] { 3, 7 }));
        loss.backward();

        var missing = model.named_parameters().Where(p => p.parameter.grad is null).Select(p => p.name).ToList();
        Assert.That(missing, Is.Empty, $"feature map {featureMapShape.Length}-d");
    }

    [Test]
    public void Create_UnknownName_ThrowsListingTheNames()
    {
        Assert.That(() => ModelFactory.Create("alexnet", [1, 28, 28], 10), Throws.ArgumentException.With.Message.Contains("resnet20"));
    }

    [Test]
    public void Create_ImageModelOnSequences_ThrowsWithTheShape()
    {
        Assert.That(() => ModelFactory.Create("cnn", [64], 2), Throws.ArgumentException.With.Message.Contains("64"));
    }

    [Test]
    public void Vgg11_WidthMultiplier_ScalesParameterCount()
    {
        using var quarter = new Vgg11(3, 32, 10, 0.25);
        using var half = new Vgg11(3, 32, 10, 0.5);

        // Convolution weights dominate and scale with width squared: about 4x from 0.25 to 0.5.
        var ratio = (double)Count(half) / Count(quarter);
        Assert.That(ratio, Is.EqualTo(4.0).Within(0.2));
    }

    private static long Count(nn.Module model) => model.parameters().Sum(p => p.numel());

    private static Tensor Input(int[] sampleShape)
    {
        var shape = new long[] { 2 }.Concat(sampleShape.Select(d => (long)d)).ToArray();
        return sampleShape.Length == 1
            ? torch.randint(0, 100, shape, dtype: ScalarType.Int64)
            : torch.randn(shape);
    }
}
