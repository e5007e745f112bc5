using Spindle.Trainers.Data;

namespace Spindle.Trainers.Tests.Data;

[TestFixture]
public sealed class ImageDatasetsTests
{
    [Test]
    public void Load_EmbeddedSubsetWithNormalization_StandardisesPixels()
    {
        var data = ImageDatasets.Load(ImageDataset.FashionMnistSubset, normalization: ImageDatasets.StandardNormalization(ImageDataset.FashionMnistSubset));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(data.Train.Count, Is.EqualTo(EmbeddedFashionMnist.TrainCount));

            // Standardised with the full set's statistics: the subset's mean is within 0.05 of 0 (its raw mean is within 0.02 of 0.286, / 0.353).
            Assert.That(data.Train.Features.Average(), Is.EqualTo(0).Within(0.06));
            Assert.That(data.Train.Features.Min(), Is.EqualTo(-0.2860f / 0.3530f).Within(1e-5));
        }
    }

    [TestCase(ImageDataset.Mnist)]
    [TestCase(ImageDataset.Cifar10)]
    public void Load_NoDirectory_ThrowsArgumentException(ImageDataset dataset)
    {
        var e = Assert.Throws<ArgumentException>(() => ImageDatasets.Load(dataset));

        Assert.That(e!.Message, Does.Contain("has no default location"));
    }

    [Test]
    public void Load_MnistDirectory_NamesSplitsMnist()
    {
        var dir = TestFiles.TempDirectory();
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "train-images-idx3-ubyte"), TestFiles.Idx([2, 2, 2], TestFiles.Pixels(2, 2, 2)));
            File.WriteAllBytes(Path.Combine(dir, "train-labels-idx1-ubyte"), TestFiles.Idx([2], [0, 1]));
            File.WriteAllBytes(Path.Combine(dir, "t10k-images.idx3-ubyte"), TestFiles.Idx([1, 2, 2], TestFiles.Pixels(1, 2, 2)));
            File.WriteAllBytes(Path.Combine(dir, "t10k-labels.idx1-ubyte"), TestFiles.Idx([1], [7]));

            var data = ImageDatasets.Load(ImageDataset.Mnist, dir);

            using (Assert.EnterMultipleScope())
            {
                Assert.That(data.Train.Name, Is.EqualTo("mnist/train"));
                Assert.That(data.Test.Labels.Single(), Is.EqualTo(7));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
