using Spindle.Trainers.Data;

namespace Spindle.Trainers.Tests.Data;

[TestFixture]
public sealed class FashionMnistTests
{
    private static readonly int[] ImageShape = [1, 28, 28];

    // The full set takes about a second to load; the tests that need it share one copy.
    private static readonly Lazy<TrainTestData<float>> Full = new(() => FashionMnist.Load());

    [Test]
    public void EmbeddedLoad_Always_HasBalancedCountsAndShapes()
    {
        var data = EmbeddedFashionMnist.Load();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(data.Train.Count, Is.EqualTo(4_000));
            Assert.That(data.Test.Count, Is.EqualTo(1_000));
            Assert.That(data.Train.SampleShape, Is.EqualTo(ImageShape));
            Assert.That(data.Test.SampleShape, Is.EqualTo(ImageShape));
            Assert.That(data.Train.Labels.CountBy(l => l).Select(g => g.Value), Is.All.EqualTo(400));
            Assert.That(data.Test.Labels.CountBy(l => l).Select(g => g.Value), Is.All.EqualTo(100));
            Assert.That(data.Train.Labels.Distinct().Count(), Is.EqualTo(10));
            Assert.That(data.Train.Features.Min(), Is.GreaterThanOrEqualTo(0f));
            Assert.That(data.Train.Features.Max(), Is.LessThanOrEqualTo(1f));

            // Real images: Fashion-MNIST's mean pixel is 0.286; a subset of 4,000 stays within 0.02 of it.
            Assert.That(data.Train.Features.Average(), Is.EqualTo(0.286).Within(0.02));
            Assert.That(EmbeddedFashionMnist.SourceIndices(train: true), Has.Length.EqualTo(4_000).And.Unique.And.Ordered);
            Assert.That(EmbeddedFashionMnist.SourceIndices(train: false), Has.Length.EqualTo(1_000).And.Unique.And.Ordered);
        }
    }

    [Test]
    public void Load_DebianPackage_Has60000And10000()
    {
        if (!FashionMnist.IsInstalled)
        {
            Assert.Ignore($"Fashion-MNIST is not installed in {FashionMnist.DefaultDirectory} (apt-get install dataset-fashion-mnist).");
        }

        var data = Full.Value;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(data.Train.Count, Is.EqualTo(FashionMnist.TrainCount));
            Assert.That(data.Test.Count, Is.EqualTo(FashionMnist.TestCount));
            Assert.That(data.Train.SampleShape, Is.EqualTo(ImageShape));
            Assert.That(data.Train.Labels.CountBy(l => l).Select(g => g.Value), Is.All.EqualTo(6_000));
            Assert.That(data.Test.Labels.CountBy(l => l).Select(g => g.Value), Is.All.EqualTo(1_000));
        }
    }

    [Test]
    public void EmbeddedLoad_DebianPackage_MatchesSourceImagesAtRecordedIndices()
    {
        if (!FashionMnist.IsInstalled)
        {
            Assert.Ignore($"Fashion-MNIST is not installed in {FashionMnist.DefaultDirectory}.");
        }

        var full = Full.Value;
        var embedded = EmbeddedFashionMnist.Load();
        var expectedTrain = full.Train.Select(EmbeddedFashionMnist.SourceIndices(train: true));
        var expectedTest = full.Test.Select(EmbeddedFashionMnist.SourceIndices(train: false));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(embedded.Train.Labels, Is.EqualTo(expectedTrain.Labels));
            Assert.That(embedded.Test.Labels, Is.EqualTo(expectedTest.Labels));

            // Same bytes through the same conversion: exact equality.
            Assert.That(embedded.Train.Features, Is.EqualTo(expectedTrain.Features));
            Assert.That(embedded.Test.Features, Is.EqualTo(expectedTest.Features));
        }
    }

    [Test]
    public void SubsetWriter_DebianPackage_ReproducesEmbeddedIndices()
    {
        if (!FashionMnist.IsInstalled)
        {
            Assert.Ignore($"Fashion-MNIST is not installed in {FashionMnist.DefaultDirectory}.");
        }

        var dir = TestFiles.TempDirectory();
        try
        {
            var (train, test) = MnistSubsetWriter.Write(FashionMnist.DefaultDirectory, dir, 400, 100, EmbeddedFashionMnist.Seed);

            using (Assert.EnterMultipleScope())
            {
                Assert.That(train, Is.EqualTo(EmbeddedFashionMnist.SourceIndices(train: true)));
                Assert.That(test, Is.EqualTo(EmbeddedFashionMnist.SourceIndices(train: false)));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Load_MissingDirectory_SaysHowToInstall()
    {
        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load("/nonexistent/fashion"));

        Assert.That(e!.Message, Does.Contain("apt-get install dataset-fashion-mnist"));
    }
}
