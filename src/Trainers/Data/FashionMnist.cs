namespace Spindle.Trainers.Data;

/// <summary>
/// The full Fashion-MNIST dataset (Zalando Research, MIT licence): 60,000 training and 10,000 test
/// 28x28 grey-scale images of 10 clothing classes. Debian and Ubuntu ship it in the package
/// <c>dataset-fashion-mnist</c> under <see cref="DefaultDirectory"/>; any directory with the four
/// standard idx files (gzipped or not) works too.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs the idx files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The number of training images of the full set.</summary>
    public const int TrainCount = 60_000;

    /// <summary>The number of test images of the full set.</summary>
    public const int TestCount = 10_000;

    /// <summary>Gets the class names, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Gets a value indicating whether the Debian package's files are present in <see cref="DefaultDirectory"/>.</summary>
    public static bool IsInstalled => File.Exists(Path.Combine(DefaultDirectory, "train-images-idx3-ubyte.gz"))
        || File.Exists(Path.Combine(DefaultDirectory, "train-images-idx3-ubyte"));

    /// <summary>Loads the full training and test splits.</summary>
    /// <param name="directory">The directory with the idx files; <see cref="DefaultDirectory"/> when null.</param>
    /// <param name="normalization">An optional standardisation after [0, 1] scaling (for example <see cref="PixelNormalization.FashionMnist"/>); null keeps [0, 1].</param>
    /// <returns>The splits, named <c>fashion-mnist/train</c> and <c>fashion-mnist/test</c>, shaped [1, 28, 28].</returns>
    /// <exception cref="InvalidDataException">The directory or a file is missing or invalid; the message says how to install the package.</exception>
    public static TrainTestData<float> Load(string? directory = null, PixelNormalization? normalization = null)
    {
        directory ??= DefaultDirectory;
        if (!Directory.Exists(directory))
        {
            throw DatasetError.Invalid(
                directory,
                "Fashion-MNIST directory not found. Install it with `apt-get install dataset-fashion-mnist` (files in " + DefaultDirectory + ") or pass a directory holding train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz].");
        }

        return MnistLoader.LoadDirectory(directory, "fashion-mnist", normalization);
    }
}
