using Spindle.Trainers.Data;

namespace Spindle.Trainers.Tests.Data;

[TestFixture]
public sealed class Sst2LoaderTests
{
    // Ids are line numbers: [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4 the=5 movie=6 was=7 great=8 bad=9 ##s=10 !=11 a=12.
    private static readonly string[] Vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "movie", "was", "great", "bad", "##s", "!", "a"];
    private static readonly long[] GreatMovie = [2, 5, 6, 7, 8, 11, 3, 0];
    private static readonly long[] BadMovies = [2, 12, 9, 6, 10, 3, 0, 0];
    private static readonly long[] Truncated = [2, 5, 6, 7, 3];
    private static readonly long[] Unknown = [2, 1, 6, 3, 0];
    private static readonly int[] TwoLabels = [1, 0];
    private static readonly int[] RowShape = [8];
    private string _dir = string.Empty;
    private string _vocab = string.Empty;

    [SetUp]
    public void SetUp()
    {
        _dir = TestFiles.TempDirectory();
        _vocab = Path.Combine(_dir, "vocab.txt");
        File.WriteAllLines(_vocab, Vocabulary);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Encoder_SpecialIds_AreTheVocabularyLines()
    {
        var encoder = BertTextEncoder.FromVocabulary(_vocab, maxLength: 8);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(encoder.PadId, Is.EqualTo(0));
            Assert.That(encoder.UnknownId, Is.EqualTo(1));
            Assert.That(encoder.ClsId, Is.EqualTo(2));
            Assert.That(encoder.SepId, Is.EqualTo(3));
            Assert.That(encoder.MaskId, Is.EqualTo(4));
            Assert.That(encoder.VocabularySize, Is.EqualTo(13));
        }
    }

    [Test]
    public void Load_Tsv_TokenizesPadsAndReadsLabels()
    {
        var path = Write("train.tsv", "sentence\tlabel", "The movie was GREAT!\t1", "a bad movies\t0");

        var data = Sst2Loader.Load(path, BertTextEncoder.FromVocabulary(_vocab, maxLength: 8));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(data.Count, Is.EqualTo(2));
            Assert.That(data.SampleShape, Is.EqualTo(RowShape));
            Assert.That(data.Labels, Is.EqualTo(TwoLabels));
            Assert.That(data.Sample(0).ToArray(), Is.EqualTo(GreatMovie));
            Assert.That(data.Sample(1).ToArray(), Is.EqualTo(BadMovies));
            Assert.That(data.Name, Is.EqualTo("sst2/train"));
        }
    }

    [Test]
    public void Load_ColumnsInOtherOrder_FoundByHeader()
    {
        var path = Write("dev.tsv", "label\tsentence", "1\tthe movie was great!");

        var data = Sst2Loader.Load(path, BertTextEncoder.FromVocabulary(_vocab, maxLength: 8));

        Assert.That(data.Sample(0).ToArray(), Is.EqualTo(GreatMovie));
    }

    [Test]
    public void Encode_LongSentence_TruncatedKeepingClsAndSep()
    {
        var encoder = BertTextEncoder.FromVocabulary(_vocab, maxLength: 5);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(encoder.Encode("the movie was great!"), Is.EqualTo(Truncated));
            Assert.That(encoder.Encode("zzz movie"), Is.EqualTo(Unknown));
        }
    }

    [TestCase("2", "data row 2: label 2 is outside [0, 2)")]
    [TestCase("yes", "data row 2: label 'yes' is not an integer")]
    [TestCase("", "data row 2: label '' is not an integer")]
    public void Load_BadLabel_NamesFileAndRow(string label, string expected)
    {
        var path = Write("train.tsv", "sentence\tlabel", "the movie\t1", "a movie\t" + label);

        var e = Assert.Throws<InvalidDataException>(() => Sst2Loader.Load(path, BertTextEncoder.FromVocabulary(_vocab, 8)));

        Assert.That(e!.Message, Does.StartWith(path).And.Contains(expected));
    }

    [Test]
    public void Load_HeaderWithoutLabel_Throws()
    {
        var path = Write("train.tsv", "text\tscore", "the movie\t1");

        var e = Assert.Throws<InvalidDataException>(() => Sst2Loader.Load(path, BertTextEncoder.FromVocabulary(_vocab, 8)));

        Assert.That(e!.Message, Does.Contain("must name a 'sentence' and a 'label' column").And.Contains("[text, score]"));
    }

    [Test]
    public void FromVocabulary_MissingSpecialToken_Throws()
    {
        File.WriteAllLines(_vocab, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "the"]);

        var e = Assert.Throws<InvalidDataException>(() => BertTextEncoder.FromVocabulary(_vocab, 8));

        Assert.That(e!.Message, Does.StartWith(_vocab).And.Contains("lacks the special token(s) [MASK]"));
    }

    [Test]
    public void LoadDirectory_GlueLayout_TrainAndDev()
    {
        Write("train.tsv", "sentence\tlabel", "the movie\t1", "a movie\t0", "bad\t0");
        Write("dev.tsv", "sentence\tlabel", "great\t1");

        var data = Sst2Loader.LoadDirectory(_dir, BertTextEncoder.FromVocabulary(_vocab, 6));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(data.Train.Count, Is.EqualTo(3));
            Assert.That(data.Test.Count, Is.EqualTo(1));
            Assert.That(data.Test.Name, Is.EqualTo("sst2/dev"));
        }
    }

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }
}
