using Spindle.Trainers.Data;

namespace Spindle.Trainers.Tests.Data;

[TestFixture]
public sealed class Cifar10LoaderTests
{
    private static readonly int[] ImageShape = [3, 32, 32];
    private static readonly int[] TwoLabels = [7, 2];
    private static readonly int[] LastTwoLabels = [5, 4];
    private string _dir = string.Empty;

    [SetUp]
    public void SetUp() => _dir = TestFiles.TempDirectory();

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Load_TwoRecords_ReadsLabelsAndChannelPlanes()
    {
        var path = WriteBatch("b.bin", TwoLabels);

        var data = Cifar10Loader.Load([path], "tiny");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(data.Count, Is.EqualTo(2));
            Assert.That(data.SampleShape, Is.EqualTo(ImageShape));
            Assert.That(data.Labels, Is.EqualTo(TwoLabels));

            // Record r's channel c is filled with byte 10 * (r + 1) + c: one float rounding, 1e-7.
            Assert.That(data.Sample(0)[0], Is.EqualTo(10 / 255f).Within(1e-7));
            Assert.That(data.Sample(0)[1024], Is.EqualTo(11 / 255f).Within(1e-7));
            Assert.That(data.Sample(1)[3071], Is.EqualTo(22 / 255f).Within(1e-7));
        }
    }

    [Test]
    public void Load_Normalization_UsesEachChannelsStatistics()
    {
        var path = WriteBatch("b.bin", TwoLabels);

        var data = Cifar10Loader.Load([path], "tiny", PixelNormalization.Cifar10);
        var n = PixelNormalization.Cifar10;

        // Float arithmetic on values of order 1: 1e-5 absolute covers the rounding.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(data.Sample(0)[0], Is.EqualTo(((10 / 255f) - n.Mean[0]) / n.StandardDeviation[0]).Within(1e-5));
            Assert.That(data.Sample(0)[1024], Is.EqualTo(((11 / 255f) - n.Mean[1]) / n.StandardDeviation[1]).Within(1e-5));
            Assert.That(data.Sample(0)[2048], Is.EqualTo(((12 / 255f) - n.Mean[2]) / n.StandardDeviation[2]).Within(1e-5));
        }
    }

    [Test]
    public void LoadDirectory_StandardNames_ConcatenatesFiveTrainingBatches()
    {
        for (var i = 1; i <= 5; i++)
        {
            WriteBatch($"data_batch_{i}.bin", [i, i - 1]);
        }

        WriteBatch("test_batch.bin", [9]);

        var data = Cifar10Loader.LoadDirectory(_dir);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(data.Train.Count, Is.EqualTo(10));
            Assert.That(data.Train.Labels[8..], Is.EqualTo(LastTwoLabels));
            Assert.That(data.Test.Count, Is.EqualTo(1));
            Assert.That(data.Test.Name, Is.EqualTo("cifar10/test"));
        }
    }

    [Test]
    public void Load_TruncatedRecord_SaysExpectedAndActualBytes()
    {
        var path = WriteBatch("b.bin", TwoLabels, truncateBy: 100);

        var e = Assert.Throws<InvalidDataException>(() => Cifar10Loader.Load([path], "tiny"));

        Assert.That(e!.Message, Does.StartWith(path).And.Contains("6046 bytes is 1 whole records of 3073 bytes plus 2973; expected 6146 bytes for 2 records"));
    }

    [Test]
    public void Load_LabelOutOfRange_NamesRecordAndOffset()
    {
        var path = WriteBatch("b.bin", [3, 10]);

        var e = Assert.Throws<InvalidDataException>(() => Cifar10Loader.Load([path], "tiny"));

        Assert.That(e!.Message, Does.StartWith(path).And.Contains("label 10 of record 1 (byte offset 3073) is outside [0, 10)"));
    }

    [Test]
    public void LoadDirectory_MissingBatch_NamesTheFile()
    {
        WriteBatch("test_batch.bin", [1]);

        var e = Assert.Throws<InvalidDataException>(() => Cifar10Loader.LoadDirectory(_dir));

        Assert.That(e!.Message, Does.Contain("data_batch_1.bin").And.Contains("not found"));
    }

    private string WriteBatch(string name, int[] labels, int truncateBy = 0)
    {
        var bytes = new byte[labels.Length * Cifar10Loader.RecordSize];
        for (var r = 0; r < labels.Length; r++)
        {
            var offset = r * Cifar10Loader.RecordSize;
            bytes[offset] = (byte)labels[r];
            for (var c = 0; c < 3; c++)
            {
                bytes.AsSpan(offset + 1 + (c * 1024), 1024).Fill((byte)((10 * (r + 1)) + c));
            }
        }

        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes[..^truncateBy]);
        return path;
    }
}
