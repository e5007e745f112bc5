namespace Spindle.Trainers.Data;

/// <summary>
/// An optional per-channel standardisation applied after pixels are scaled to [0, 1]:
/// <c>x = (byte / 255 - Mean[c]) / StdDev[c]</c>. Loaders given no normalisation return the
/// [0, 1] values unchanged.
/// </summary>
public sealed class PixelNormalization
{
    /// <summary>Initializes a new instance of the <see cref="PixelNormalization"/> class.</summary>
    /// <param name="mean">The mean of each channel, in [0, 1] pixel units.</param>
    /// <param name="standardDeviation">The standard deviation of each channel, positive.</param>
    /// <exception cref="ArgumentException">The lists are empty, differ in length, or a deviation is not positive.</exception>
    public PixelNormalization(IReadOnlyList<float> mean, IReadOnlyList<float> standardDeviation)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(standardDeviation);
        if (mean.Count == 0 || mean.Count != standardDeviation.Count)
        {
            throw new ArgumentException($"Need one mean and one standard deviation per channel, got {mean.Count} and {standardDeviation.Count}.", nameof(standardDeviation));
        }

        foreach (var s in standardDeviation)
        {
            if (!(s > 0) || float.IsInfinity(s))
            {
                throw new ArgumentException($"Standard deviations must be positive and finite, got {s}.", nameof(standardDeviation));
            }
        }

        Mean = [.. mean];
        StandardDeviation = [.. standardDeviation];
    }

    /// <summary>Gets the Fashion-MNIST training-set statistics (mean 0.2860, standard deviation 0.3530).</summary>
    public static PixelNormalization FashionMnist { get; } = new([0.2860f], [0.3530f]);

    /// <summary>Gets the MNIST training-set statistics (mean 0.1307, standard deviation 0.3081).</summary>
    public static PixelNormalization Mnist { get; } = new([0.1307f], [0.3081f]);

    /// <summary>Gets the CIFAR-10 training-set statistics per channel (R, G, B).</summary>
    public static PixelNormalization Cifar10 { get; } = new([0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]);

    /// <summary>Gets the mean of each channel.</summary>
    public IReadOnlyList<float> Mean { get; }

    /// <summary>Gets the standard deviation of each channel.</summary>
    public IReadOnlyList<float> StandardDeviation { get; }

    /// <summary>Converts pixel bytes of consecutive samples, each channel-major, to floats.</summary>
    /// <param name="pixels">The bytes, sample-major then channel-major.</param>
    /// <param name="sampleSize">The number of bytes per sample.</param>
    /// <param name="channels">The number of channels per sample; divides <paramref name="sampleSize"/>.</param>
    /// <param name="normalization">The standardisation, or null for plain [0, 1] scaling.</param>
    /// <returns>The floats.</returns>
    /// <exception cref="ArgumentException">The normalisation's channel count differs from <paramref name="channels"/>.</exception>
    internal static float[] Convert(ReadOnlySpan<byte> pixels, int sampleSize, int channels, PixelNormalization? normalization)
    {
        if (normalization is not null && normalization.Mean.Count != channels)
        {
            throw new ArgumentException($"The normalisation has {normalization.Mean.Count} channels, the images {channels}.", nameof(normalization));
        }

        // One lookup table of 256 values per channel: exact, and cheaper than a divide per pixel.
        var lut = new float[channels * 256];
        for (var c = 0; c < channels; c++)
        {
            var mean = normalization?.Mean[c] ?? 0f;
            var std = normalization?.StandardDeviation[c] ?? 1f;
            for (var v = 0; v < 256; v++)
            {
                lut[(c * 256) + v] = ((v / 255f) - mean) / std;
            }
        }

        var result = new float[pixels.Length];
        if (channels == 1)
        {
            for (var i = 0; i < pixels.Length; i++)
            {
                result[i] = lut[pixels[i]];
            }

            return result;
        }

        var planeSize = sampleSize / channels;
        for (var i = 0; i < pixels.Length; i++)
        {
            var channel = i % sampleSize / planeSize;
            result[i] = lut[(channel * 256) + pixels[i]];
        }

        return result;
    }
}
