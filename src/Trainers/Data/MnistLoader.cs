namespace Spindle.Trainers.Data;

/// <summary>
/// Loads MNIST-format datasets (MNIST, Fashion-MNIST, KMNIST): an idx3 file of 28x28 (or any
/// size) unsigned-byte images and an idx1 file of labels, plain or gzipped. Images become
/// <see cref="LabeledData{T}"/> of floats shaped [1, rows, columns], scaled to [0, 1] and
/// optionally standardised with a <see cref="PixelNormalization"/>.
/// </summary>
public static class MnistLoader
{
    /// <summary>The number of classes of MNIST and Fashion-MNIST.</summary>
    public const int ClassCount = 10;

    /// <summary>Loads one split from its images and labels files.</summary>
    /// <param name="imagesPath">The idx3-ubyte images file, plain or gzipped.</param>
    /// <param name="labelsPath">The idx1-ubyte labels file, plain or gzipped.</param>
    /// <param name="name">The dataset's name, for messages and run folders.</param>
    /// <param name="normalization">An optional standardisation after [0, 1] scaling; null keeps [0, 1].</param>
    /// <param name="classCount">The number of classes; every label must lie in [0, classCount).</param>
    /// <returns>The split, shaped [1, rows, columns] per sample.</returns>
    /// <exception cref="InvalidDataException">A file is missing, corrupt, truncated, the counts differ, or a label is out of range.</exception>
    public static LabeledData<float> Load(string imagesPath, string labelsPath, string name, PixelNormalization? normalization = null, int classCount = ClassCount)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        ArgumentNullException.ThrowIfNull(labelsPath);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        return FromIdx(IdxFile.Read(imagesPath, expectedRank: 3), imagesPath, IdxFile.Read(labelsPath, expectedRank: 1), labelsPath, name, normalization, classCount);
    }

    /// <summary>Builds one split from parsed idx images and labels.</summary>
    /// <param name="images">The rank-3 images.</param>
    /// <param name="imagesPath">The images' source, for messages.</param>
    /// <param name="labelIdx">The rank-1 labels.</param>
    /// <param name="labelsPath">The labels' source, for messages.</param>
    /// <param name="name">The dataset's name.</param>
    /// <param name="normalization">An optional standardisation.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <returns>The split.</returns>
    /// <exception cref="InvalidDataException">The counts differ or a label is out of range.</exception>
    internal static LabeledData<float> FromIdx(IdxArray images, string imagesPath, IdxArray labelIdx, string labelsPath, string name, PixelNormalization? normalization, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        var labels = ToLabels(labelIdx, labelsPath, classCount);
        if (images.Count != labels.Length)
        {
            throw DatasetError.Invalid(
                labelsPath,
                $"count mismatch: the labels file has {labels.Length} labels but the images file {imagesPath} has {images.Count} images.");
        }

        var (rows, columns) = (images.Dimensions[1], images.Dimensions[2]);
        if (rows == 0 || columns == 0)
        {
            throw DatasetError.Invalid(imagesPath, $"images of {rows}x{columns} pixels are empty.");
        }

        var features = PixelNormalization.Convert(images.Data.Span, rows * columns, channels: 1, normalization);
        return new LabeledData<float>(name, [1, rows, columns], features, labels, classCount);
    }

    /// <summary>Builds one split from parsed idx images and labels with their sources.</summary>
    /// <param name="images">The rank-3 images and their source.</param>
    /// <param name="labels">The rank-1 labels and their source.</param>
    /// <param name="name">The dataset's name.</param>
    /// <param name="normalization">An optional standardisation.</param>
    /// <returns>The split.</returns>
    internal static LabeledData<float> FromIdx((IdxArray Idx, string Source) images, (IdxArray Idx, string Source) labels, string name, PixelNormalization? normalization)
        => FromIdx(images.Idx, images.Source, labels.Idx, labels.Source, name, normalization, ClassCount);

    /// <summary>Loads the training and test splits from a directory with the standard file names.</summary>
    /// <param name="directory">The directory holding <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c> and <c>t10k-labels-idx1-ubyte</c>, each optionally with a <c>.gz</c> suffix (or with <c>.idx3-ubyte</c> spelled with a dot).</param>
    /// <param name="name">The dataset's name; the splits are named <c>name/train</c> and <c>name/test</c>.</param>
    /// <param name="normalization">An optional standardisation after [0, 1] scaling; null keeps [0, 1].</param>
    /// <returns>The two splits.</returns>
    /// <exception cref="InvalidDataException">A file is missing or invalid.</exception>
    public static TrainTestData<float> LoadDirectory(string directory, string name, PixelNormalization? normalization = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(name);
        if (!Directory.Exists(directory))
        {
            throw DatasetError.Invalid(directory, "dataset directory not found.");
        }

        var train = Load(Find(directory, "train", "images", 3), Find(directory, "train", "labels", 1), name + "/train", normalization);
        var test = Load(Find(directory, "t10k", "images", 3), Find(directory, "t10k", "labels", 1), name + "/test", normalization);
        return new TrainTestData<float>(train, test);
    }

    /// <summary>Finds one of the standard files of a split in a directory.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="split"><c>train</c> or <c>t10k</c>.</param>
    /// <param name="kind"><c>images</c> or <c>labels</c>.</param>
    /// <param name="rank">3 for images, 1 for labels.</param>
    /// <returns>The path of the first candidate that exists.</returns>
    /// <exception cref="InvalidDataException">No candidate exists.</exception>
    internal static string Find(string directory, string split, string kind, int rank)
    {
        string[] stems = [$"{split}-{kind}-idx{rank}-ubyte", $"{split}-{kind}.idx{rank}-ubyte"];
        var tried = new List<string>();
        foreach (var stem in stems)
        {
            foreach (var suffix in new[] { ".gz", string.Empty })
            {
                var path = Path.Combine(directory, stem + suffix);
                if (File.Exists(path))
                {
                    return path;
                }

                tried.Add(stem + suffix);
            }
        }

        throw DatasetError.Invalid(directory, $"no {split} {kind} file: looked for {string.Join(", ", tried)}.");
    }

    private static int[] ToLabels(IdxArray idx, string path, int classCount)
    {
        var data = idx.Data.Span;
        var labels = new int[data.Length];
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] >= classCount)
            {
                throw DatasetError.Invalid(path, $"label {data[i]} of item {i} is outside [0, {classCount}).");
            }

            labels[i] = data[i];
        }

        return labels;
    }
}
