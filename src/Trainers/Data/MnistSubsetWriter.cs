using System.Globalization;
using Spindle.Monitor.IO;

namespace Spindle.Trainers.Data;

/// <summary>
/// Writes a class-balanced, seeded subset of an MNIST-format dataset as gzipped idx files with the
/// standard names, plus <c>train-indices.txt</c> and <c>t10k-indices.txt</c> listing the source
/// index of every kept image (one per line, ascending). This is how the embedded Fashion-MNIST
/// subset was produced (<c>spindle data subset</c>).
/// </summary>
public static class MnistSubsetWriter
{
    /// <summary>Writes the subset.</summary>
    /// <param name="sourceDirectory">The directory with the full dataset's four idx files.</param>
    /// <param name="outputDirectory">The directory to write to; created when absent.</param>
    /// <param name="trainPerClass">Training images to keep per class.</param>
    /// <param name="testPerClass">Test images to keep per class.</param>
    /// <param name="seed">The seed of the draw (see <see cref="DataSubsets.BalancedIndices"/>).</param>
    /// <param name="classCount">The number of classes.</param>
    /// <returns>The source indices kept from the training and test splits.</returns>
    /// <exception cref="InvalidDataException">A source file is missing or invalid.</exception>
    /// <exception cref="ArgumentException">A class has too few images.</exception>
    public static (int[] Train, int[] Test) Write(string sourceDirectory, string outputDirectory, int trainPerClass, int testPerClass, long seed, int classCount = MnistLoader.ClassCount)
    {
        ArgumentNullException.ThrowIfNull(sourceDirectory);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        Directory.CreateDirectory(outputDirectory);
        var train = WriteSplit(sourceDirectory, outputDirectory, "train", trainPerClass, seed, classCount);

        // A different stream for the test split, so changing one count leaves the other draw alone.
        var test = WriteSplit(sourceDirectory, outputDirectory, "t10k", testPerClass, unchecked(seed + 1), classCount);
        return (train, test);
    }

    private static int[] WriteSplit(string source, string output, string split, int perClass, long seed, int classCount)
    {
        var imagesPath = MnistLoader.Find(source, split, "images", 3);
        var labelsPath = MnistLoader.Find(source, split, "labels", 1);

        // Validates both files (magic, sizes, counts, label range) before copying raw bytes.
        var data = MnistLoader.Load(imagesPath, labelsPath, split, classCount: classCount);
        var images = IdxFile.Read(imagesPath, 3);
        var labelBytes = IdxFile.Read(labelsPath, 1).Data.Span;
        var indices = DataSubsets.BalancedIndices(data.Labels, classCount, perClass, seed);
        var imageSize = data.SampleSize;
        var outImages = new byte[indices.Length * imageSize];
        var outLabels = new byte[indices.Length];
        for (var k = 0; k < indices.Length; k++)
        {
            images.Data.Span.Slice(indices[k] * imageSize, imageSize).CopyTo(outImages.AsSpan(k * imageSize));
            outLabels[k] = labelBytes[indices[k]];
        }

        IdxFile.Write(Path.Combine(output, $"{split}-images-idx3-ubyte.gz"), [indices.Length, images.Dimensions[1], images.Dimensions[2]], outImages, gzip: true);
        IdxFile.Write(Path.Combine(output, $"{split}-labels-idx1-ubyte.gz"), [indices.Length], outLabels, gzip: true);
        var indexFile = Path.Combine(output, $"{split}-indices.txt");
        AtomicFile.WriteAllText(indexFile, string.Concat(indices.Select(i => i.ToString(CultureInfo.InvariantCulture) + "\n")));
        return indices;
    }
}
