namespace Spindle.Trainers.Data;

/// <summary>
/// Loads CIFAR-10 in its binary version: files of 3,073-byte records, each one label byte (0-9)
/// followed by a 32x32 colour image as 1,024 red, then 1,024 green, then 1,024 blue bytes, rows
/// top to bottom. Images become <see cref="LabeledData{T}"/> of floats shaped [3, 32, 32], scaled
/// to [0, 1] and optionally standardised per channel (<see cref="PixelNormalization.Cifar10"/>).
/// </summary>
public static class Cifar10Loader
{
    /// <summary>The number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>The size of one record: a label byte and 3 x 32 x 32 pixel bytes.</summary>
    public const int RecordSize = 1 + ImageSize;

    private const int ImageSize = 3 * 32 * 32;

    /// <summary>Gets the class names, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>Loads one or more batch files as one dataset, records in file order.</summary>
    /// <param name="paths">The batch files (plain, or gzipped: recognised by magic bytes).</param>
    /// <param name="name">The dataset's name.</param>
    /// <param name="normalization">An optional per-channel standardisation after [0, 1] scaling; null keeps [0, 1].</param>
    /// <returns>The dataset, shaped [3, 32, 32] per sample.</returns>
    /// <exception cref="InvalidDataException">A file is missing, empty, not a whole number of records, or has a label outside [0, 10).</exception>
    public static LabeledData<float> Load(IReadOnlyList<string> paths, string name, PixelNormalization? normalization = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(name);
        var files = paths.Select(p => (Path: p, Bytes: ReadRecords(p))).ToList();
        var count = files.Sum(f => f.Bytes.Length / RecordSize);
        var pixels = new byte[(long)count * ImageSize];
        var labels = new int[count];
        var n = 0;
        foreach (var (path, bytes) in files)
        {
            for (var r = 0; r < bytes.Length / RecordSize; r++, n++)
            {
                var offset = r * RecordSize;
                var label = bytes[offset];
                if (label >= ClassCount)
                {
                    throw DatasetError.Invalid(path, $"label {label} of record {r} (byte offset {offset}) is outside [0, {ClassCount}).");
                }

                labels[n] = label;
                bytes.AsSpan(offset + 1, ImageSize).CopyTo(pixels.AsSpan(n * ImageSize));
            }
        }

        var features = PixelNormalization.Convert(pixels, ImageSize, channels: 3, normalization);
        return new LabeledData<float>(name, [3, 32, 32], features, labels, ClassCount);
    }

    /// <summary>Loads the training split (<c>data_batch_1.bin</c> to <c>data_batch_5.bin</c>) and the test split (<c>test_batch.bin</c>).</summary>
    /// <param name="directory">The directory with the batch files, or its parent holding <c>cifar-10-batches-bin</c> (the layout of the official archive).</param>
    /// <param name="normalization">An optional per-channel standardisation; null keeps [0, 1].</param>
    /// <returns>The splits, named <c>cifar10/train</c> and <c>cifar10/test</c>.</returns>
    /// <exception cref="InvalidDataException">A file is missing or invalid.</exception>
    public static TrainTestData<float> LoadDirectory(string directory, PixelNormalization? normalization = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var nested = Path.Combine(directory, "cifar-10-batches-bin");
        if (!File.Exists(Path.Combine(directory, "test_batch.bin")) && Directory.Exists(nested))
        {
            directory = nested;
        }

        if (!Directory.Exists(directory))
        {
            throw DatasetError.Invalid(directory, "CIFAR-10 directory not found.");
        }

        var train = Enumerable.Range(1, 5).Select(i => Path.Combine(directory, $"data_batch_{i}.bin")).ToArray();
        var test = Path.Combine(directory, "test_batch.bin");
        return new TrainTestData<float>(Load(train, "cifar10/train", normalization), Load([test], "cifar10/test", normalization));
    }

    private static byte[] ReadRecords(string path)
    {
        var bytes = IdxFile.ReadAllBytesDecompressed(path);
        if (bytes.Length == 0)
        {
            throw DatasetError.Invalid(path, $"empty file: expected records of {RecordSize} bytes.");
        }

        if (bytes.Length % RecordSize != 0)
        {
            var whole = bytes.Length / RecordSize;
            throw DatasetError.Invalid(
                path,
                $"truncated record: {bytes.Length} bytes is {whole} whole records of {RecordSize} bytes plus {bytes.Length % RecordSize}; expected {(long)(whole + 1) * RecordSize} bytes for {whole + 1} records.");
        }

        return bytes;
    }
}
