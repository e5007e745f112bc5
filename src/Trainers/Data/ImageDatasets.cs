namespace Spindle.Trainers.Data;

/// <summary>One entry point for the image datasets, for command lines that take a dataset name and an optional <c>--data DIR</c>.</summary>
public static class ImageDatasets
{
    /// <summary>Loads a dataset's training and test splits.</summary>
    /// <param name="dataset">Which dataset.</param>
    /// <param name="directory">Where its files are: ignored for the embedded subset, optional for Fashion-MNIST (default <see cref="FashionMnist.DefaultDirectory"/>), required for MNIST and CIFAR-10.</param>
    /// <param name="normalization">An optional standardisation after [0, 1] scaling; null keeps [0, 1].</param>
    /// <returns>The splits.</returns>
    /// <exception cref="InvalidDataException">The files are missing or invalid.</exception>
    /// <exception cref="ArgumentException">MNIST or CIFAR-10 is asked for without a directory.</exception>
    public static TrainTestData<float> Load(ImageDataset dataset, string? directory = null, PixelNormalization? normalization = null) => dataset switch
    {
        ImageDataset.FashionMnistSubset => EmbeddedFashionMnist.Load(normalization),
        ImageDataset.FashionMnist => FashionMnist.Load(directory, normalization),
        ImageDataset.Mnist => MnistLoader.LoadDirectory(Required(directory, dataset), "mnist", normalization),
        ImageDataset.Cifar10 => Cifar10Loader.LoadDirectory(Required(directory, dataset), normalization),
        _ => throw new ArgumentOutOfRangeException(nameof(dataset), dataset, "Unknown dataset."),
    };

    /// <summary>Gets the standardisation usual for a dataset (its training-set mean and deviation per channel).</summary>
    /// <param name="dataset">The dataset.</param>
    /// <returns>The normalisation.</returns>
    public static PixelNormalization StandardNormalization(ImageDataset dataset) => dataset switch
    {
        ImageDataset.FashionMnistSubset or ImageDataset.FashionMnist => PixelNormalization.FashionMnist,
        ImageDataset.Mnist => PixelNormalization.Mnist,
        ImageDataset.Cifar10 => PixelNormalization.Cifar10,
        _ => throw new ArgumentOutOfRangeException(nameof(dataset), dataset, "Unknown dataset."),
    };

    private static string Required(string? directory, ImageDataset dataset) =>
        directory ?? throw new ArgumentException($"{dataset} has no default location: give the directory of its files.", nameof(directory));
}
