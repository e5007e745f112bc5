using System.Globalization;
using System.Reflection;

namespace Spindle.Trainers.Data;

/// <summary>
/// A class-balanced subset of Fashion-MNIST shipped inside this assembly (gzipped idx files,
/// about 2 MB): 4,000 training images (400 per class) and 1,000 test images (100 per class), drawn
/// from the full set with seed <see cref="Seed"/> by <see cref="MnistSubsetWriter"/>. Fashion-MNIST
/// is © Zalando SE, MIT licence. Use <see cref="FashionMnist"/> for the full set.
/// </summary>
public static class EmbeddedFashionMnist
{
    /// <summary>The number of training images.</summary>
    public const int TrainCount = 4_000;

    /// <summary>The number of test images.</summary>
    public const int TestCount = 1_000;

    /// <summary>The seed the subset was drawn with.</summary>
    public const long Seed = 20_171_025;

    private const string Prefix = "Spindle.Trainers.Resources.FashionMnistSubset.";

    /// <summary>Loads the embedded training and test subsets.</summary>
    /// <param name="normalization">An optional standardisation after [0, 1] scaling; null keeps [0, 1].</param>
    /// <returns>The splits, named <c>fashion-mnist-subset/train</c> and <c>fashion-mnist-subset/test</c>, shaped [1, 28, 28].</returns>
    /// <exception cref="InvalidDataException">A resource is missing or corrupt (a broken build).</exception>
    public static TrainTestData<float> Load(PixelNormalization? normalization = null)
    {
        const string Name = "fashion-mnist-subset";
        var train = MnistLoader.FromIdx(Resource("train-images-idx3-ubyte.gz", 3), Resource("train-labels-idx1-ubyte.gz", 1), Name + "/train", normalization);
        var test = MnistLoader.FromIdx(Resource("t10k-images-idx3-ubyte.gz", 3), Resource("t10k-labels-idx1-ubyte.gz", 1), Name + "/test", normalization);
        return new TrainTestData<float>(train, test);
    }

    /// <summary>Gets the index, in the full Fashion-MNIST split, of every embedded image.</summary>
    /// <param name="train">True for the training split, false for the test split.</param>
    /// <returns>The source indices, ascending, one per embedded image in order.</returns>
    public static int[] SourceIndices(bool train)
    {
        var text = System.Text.Encoding.UTF8.GetString(ReadResource(train ? "train-indices.txt" : "t10k-indices.txt"));
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture))
            .ToArray();
    }

    private static (IdxArray Idx, string Source) Resource(string file, int rank) => (IdxFile.Parse(Prefix + file, ReadResource(file), rank), Prefix + file);

    private static byte[] ReadResource(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(Prefix + file)
            ?? throw DatasetError.Invalid(Prefix + file, "embedded resource not found in " + typeof(EmbeddedFashionMnist).Assembly.GetName().Name + "; the build did not include src/Trainers/Resources/FashionMnistSubset.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
