using Spindle.Trainers.Data;

namespace Spindle.Trainers.Tests.Data;

[TestFixture]
public sealed class MnistLoaderTests
{
    private static readonly int[] Shape1x4x5 = [1, 4, 5];
    private static readonly int[] Labels904 = [9, 0, 4];
    private static readonly int[] Label3 = [3];
    private static readonly float[] ExpectedPixels = [0f, 1f, 0.2f, 0.4f];
    private static readonly float[] ExpectedNormalized = [-0.2860f / 0.3530f, 0.7140f / 0.3530f];
    private static readonly int[] Labels56 = [5, 6];
    private static readonly int[] Shape1x2x3 = [1, 2, 3];
    private static readonly int[] Shape2x3x4 = [2, 3, 4];

    private string _dir = string.Empty;

    [SetUp]
    public void SetUp() => _dir = TestFiles.TempDirectory();

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [TestCase(false)]
    [TestCase(true)]
    public void Load_ValidFiles_ScalesPixelsAndKeepsLabels(bool gzip)
    {
        var pixels = TestFiles.Pixels(3, 4, 5);
        var images = Write("img", TestFiles.Idx([3, 4, 5], pixels), gzip);
        var labels = Write("lbl", TestFiles.Idx([3], [9, 0, 4]), gzip);

        var data = MnistLoader.Load(images, labels, "tiny");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(data.Count, Is.EqualTo(3));
            Assert.That(data.SampleShape, Is.EqualTo(Shape1x4x5));
            Assert.That(data.Labels, Is.EqualTo(Labels904));
            Assert.That(data.ClassCount, Is.EqualTo(10));

            // byte / 255 in float: one rounding step, so 1e-7 absolute is ample for values in [0, 1].
            Assert.That(data.Features, Is.EqualTo(pixels.Select(p => p / 255f)).Within(1e-7));
            Assert.That(data.Features.Max(), Is.LessThanOrEqualTo(1f));
        }
    }

    [Test]
    public void Load_GzipDetectedByMagicNotName_LoadsPlainFileNamedGz()
    {
        var images = Write("img.gz", TestFiles.Idx([1, 2, 2], [0, 255, 51, 102]), gzip: false);
        var labels = Write("lbl", TestFiles.Gzip(TestFiles.Idx([1], [3])), gzip: false);

        var data = MnistLoader.Load(images, labels, "tiny");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(data.Labels, Is.EqualTo(Label3));

            // Exact multiples of 1/5 and 1/255 in float: 1e-7 covers one rounding.
            Assert.That(data.Features, Is.EqualTo(ExpectedPixels).Within(1e-7));
        }
    }

    [Test]
    public void Load_Normalization_AppliesMeanAndStd()
    {
        var images = Write("img", TestFiles.Idx([1, 1, 2], [0, 255]), gzip: false);
        var labels = Write("lbl", TestFiles.Idx([1], [0]), gzip: false);

        var data = MnistLoader.Load(images, labels, "tiny", PixelNormalization.FashionMnist);

        // (0 - 0.286) / 0.353 and (1 - 0.286) / 0.353, computed in float: 1e-6 relative covers it.
        Assert.That(data.Features, Is.EqualTo(ExpectedNormalized).Within(1e-5));
    }

    [TestCase(new byte[] { 0x00, 0x01, 0x08, 0x03 }, "bad idx magic number 0x00010803")]
    [TestCase(new byte[] { 0x1A, 0x2B, 0x08, 0x03 }, "bad idx magic number 0x1A2B0803")]
    [TestCase(new byte[] { 0x00, 0x00, 0x0D, 0x03 }, "idx data type 0x0D is not supported")]
    [TestCase(new byte[] { 0x00, 0x00, 0x08, 0x01 }, "idx file has 1 dimensions, expected 3")]
    public void Load_BadMagic_ThrowsNamingFile(byte[] magic, string expected)
    {
        var bytes = TestFiles.Idx([1, 2, 2], [1, 2, 3, 4]);
        magic.CopyTo(bytes, 0);
        var images = Write("img", bytes, gzip: false);
        var labels = Write("lbl", TestFiles.Idx([1], [0]), gzip: false);

        var e = Assert.Throws<InvalidDataException>(() => MnistLoader.Load(images, labels, "tiny"));

        Assert.That(e!.Message, Does.StartWith(images + ": ").And.Contains(expected));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Load_TruncatedImages_ReportsExpectedAndActualBytes(bool gzip)
    {
        var bytes = TestFiles.Idx([2, 3, 3], TestFiles.Pixels(2, 3, 3));
        var images = Write("img", bytes[..^5], gzip);
        var labels = Write("lbl", TestFiles.Idx([2], [0, 1]), gzip);

        var e = Assert.Throws<InvalidDataException>(() => MnistLoader.Load(images, labels, "tiny"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(e!.Message, Does.StartWith(images).And.Contains("need 18 data bytes (34 in all), got 13 (29 in all)"));
            Assert.That(e.Message, gzip ? Does.Contain("after gunzip of") : Does.Not.Contain("gunzip"));
        }
    }

    [Test]
    public void Load_TruncatedHeader_ThrowsWithByteCounts()
    {
        var images = Write("img", TestFiles.Idx([2, 3, 3], [])[..10], gzip: false);
        var labels = Write("lbl", TestFiles.Idx([2], [0, 1]), gzip: false);

        var e = Assert.Throws<InvalidDataException>(() => MnistLoader.Load(images, labels, "tiny"));

        Assert.That(e!.Message, Does.Contain("expected 16 bytes for 3 dimensions, got 10"));
    }

    [Test]
    public void Load_TrailingBytes_Throws()
    {
        var images = Write("img", [.. TestFiles.Idx([1, 2, 2], [1, 2, 3, 4]), 9, 9], gzip: false);
        var labels = Write("lbl", TestFiles.Idx([1], [0]), gzip: false);

        var e = Assert.Throws<InvalidDataException>(() => MnistLoader.Load(images, labels, "tiny"));

        Assert.That(e!.Message, Does.Contain("need 4 data bytes, got 6 (2 extra)"));
    }

    [Test]
    public void Load_CorruptGzip_Throws()
    {
        var gz = TestFiles.Gzip(TestFiles.Idx([1, 2, 2], [1, 2, 3, 4]));
        for (var i = 10; i < gz.Length - 8; i++)
        {
            gz[i] = 0xFF;
        }

        var images = Write("img", gz, gzip: false);
        var labels = Write("lbl", TestFiles.Idx([1], [0]), gzip: false);

        var e = Assert.Throws<InvalidDataException>(() => MnistLoader.Load(images, labels, "tiny"));

        Assert.That(e!.Message, Does.StartWith(images + ": "));
    }

    [Test]
    public void Load_GzipCutShort_ThrowsNamingFile()
    {
        var gz = TestFiles.Gzip(TestFiles.Idx([2, 3, 3], TestFiles.Pixels(2, 3, 3)));
        var images = Write("img.gz", gz[..(gz.Length / 2)], gzip: false);
        var labels = Write("lbl", TestFiles.Idx([2], [0, 1]), gzip: false);

        var e = Assert.Throws<InvalidDataException>(() => MnistLoader.Load(images, labels, "tiny"));

        Assert.That(e!.Message, Does.StartWith(images + ": "));
    }

    [Test]
    public void Load_CountMismatch_NamesBothCounts()
    {
        var images = Write("img", TestFiles.Idx([3, 2, 2], TestFiles.Pixels(3, 2, 2)), gzip: true);
        var labels = Write("lbl", TestFiles.Idx([2], [0, 1]), gzip: true);

        var e = Assert.Throws<InvalidDataException>(() => MnistLoader.Load(images, labels, "tiny"));

        Assert.That(e!.Message, Does.Contain("the labels file has 2 labels but the images file " + images + " has 3 images"));
    }

    [Test]
    public void Load_LabelOutOfRange_NamesLabelAndIndex()
    {
        var images = Write("img", TestFiles.Idx([3, 2, 2], TestFiles.Pixels(3, 2, 2)), gzip: false);
        var labels = Write("lbl", TestFiles.Idx([3], [0, 10, 1]), gzip: false);

        var e = Assert.Throws<InvalidDataException>(() => MnistLoader.Load(images, labels, "tiny"));

        Assert.That(e!.Message, Does.StartWith(labels).And.Contains("label 10 of item 1 is outside [0, 10)"));
    }

    [Test]
    public void LoadDirectory_StandardNames_LoadsBothSplits()
    {
        File.WriteAllBytes(Path.Combine(_dir, "train-images-idx3-ubyte.gz"), TestFiles.Gzip(TestFiles.Idx([4, 2, 3], TestFiles.Pixels(4, 2, 3))));
        File.WriteAllBytes(Path.Combine(_dir, "train-labels-idx1-ubyte.gz"), TestFiles.Gzip(TestFiles.Idx([4], [1, 2, 3, 4])));
        File.WriteAllBytes(Path.Combine(_dir, "t10k-images-idx3-ubyte"), TestFiles.Idx([2, 2, 3], TestFiles.Pixels(2, 2, 3)));
        File.WriteAllBytes(Path.Combine(_dir, "t10k-labels-idx1-ubyte"), TestFiles.Idx([2], [5, 6]));

        var data = MnistLoader.LoadDirectory(_dir, "tiny");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(data.Train.Count, Is.EqualTo(4));
            Assert.That(data.Test.Labels, Is.EqualTo(Labels56));
            Assert.That(data.Train.Name, Is.EqualTo("tiny/train"));
            Assert.That(data.Test.SampleShape, Is.EqualTo(Shape1x2x3));
        }
    }

    [Test]
    public void LoadDirectory_MissingFile_ListsNamesTried()
    {
        File.WriteAllBytes(Path.Combine(_dir, "train-images-idx3-ubyte"), TestFiles.Idx([1, 1, 1], [0]));

        var e = Assert.Throws<InvalidDataException>(() => MnistLoader.LoadDirectory(_dir, "tiny"));

        Assert.That(e!.Message, Does.Contain("no train labels file").And.Contains("train-labels-idx1-ubyte.gz"));
    }

    [Test]
    public void IdxFile_WriteThenRead_RoundTrips([Values] bool gzip)
    {
        var path = Path.Combine(_dir, "x");
        var data = TestFiles.Pixels(2, 3, 4);

        IdxFile.Write(path, [2, 3, 4], data, gzip);
        var read = IdxFile.Read(path, 3);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(File.ReadAllBytes(path)[0], Is.EqualTo(gzip ? 0x1F : 0x00));
            Assert.That(read.Dimensions, Is.EqualTo(Shape2x3x4));
            Assert.That(read.Data.ToArray(), Is.EqualTo(data));
            Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(1), "no temporary file left behind");
        }
    }

    private string Write(string name, byte[] contents, bool gzip)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, gzip ? TestFiles.Gzip(contents) : contents);
        return path;
    }
}
